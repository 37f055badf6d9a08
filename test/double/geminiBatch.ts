/**
 * The provider double's Gemini batch mode (prefix `/google`), in the shapes of ../shared/MODELS.md
 * and @google/genai's batches module (the reference suite holds the node's requests to the SDK's):
 *   POST /v1beta/models/{model}:batchGenerateContent  {"batch": {"displayName", "inputConfig":
 *        {"requests": {"requests": [{"request", "metadata": {"key"}}]}} or {"fileName": "files/..."}}}
 *   GET  /v1beta/batches/{id}                         the operation: {name, metadata: {model,
 *        displayName, state, createTime, updateTime, endTime, batchStats, output}, done, response}
 *   POST /v1beta/batches/{id}:cancel                  {} (the job turns CANCELLED)
 *   GET  /download/v1beta/files/{id}:download?alt=media  a responses file, one {"key", "response"} or
 *        {"key", "error"} a line
 * Every request of a job is answered by the double's own generateContent, with its checks: a bad
 * request is that request's error inside the job (a google.rpc.Status with a gRPC code), as Google
 * reports it. A job is PENDING when created; each GET moves it one step along `settings.states`
 * (default: straight to SUCCEEDED); a test can fail or expire it whole (those states), fail requests
 * by key, and drop the inline responses' metadata (users report Google does). Inline jobs answer
 * inline, file jobs with a responses file; the output is in `metadata.output` and in `response`.
 */
import { randomBytes } from 'node:crypto';

import { padPng } from '../concurrency/bigImage';
import type { Answer, RouteContext } from './doubleKit';
import { HttpError, jsonAnswer } from './doubleKit';
import type { GeminiRequest, UploadedFile } from './geminiRoute';

type Generate = (model: string, req: GeminiRequest) => Answer;

interface JobRequest {
	key?: string;
	request: Record<string, unknown>;
}

interface JobResult {
	key?: string;
	response?: unknown;
	error?: { code: number; message: string };
}

export interface BatchJob {
	name: string;
	model: string;
	displayName?: string;
	source: 'inline' | 'file';
	requests: JobRequest[];
	state: string;
	polls: number;
	createTime: string;
	updateTime: string;
	endTime?: string;
	results?: JobResult[];
	responsesFile?: string;
	cancelled: boolean;
}

/** gRPC codes of Google's statuses, as a batch result's error carries them. */
const GRPC: Record<string, number> = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, INTERNAL: 13 };
const TERMINAL = new Set(['BATCH_STATE_SUCCEEDED', 'BATCH_STATE_FAILED', 'BATCH_STATE_CANCELLED', 'BATCH_STATE_EXPIRED']);
export const JSONL_TYPES = new Set(['application/jsonl', 'application/json', 'jsonl', 'text/plain']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const googleError = (code: number, status: string, message: string) => new HttpError(code, { error: { code, message, status } });
const invalid = (message: string) => googleError(400, 'INVALID_ARGUMENT', message);

function onlyFields(o: Record<string, unknown>, allowed: string[], where: string): void {
	for (const key of Object.keys(o)) if (!allowed.includes(key)) throw invalid(`Invalid JSON payload received. Unknown name "${key}" at '${where}': Cannot find field.`);
}

export function createBatchRoute(ctx: RouteContext, files: Map<string, UploadedFile>, generate: Generate) {
	const jobs = new Map<string, BatchJob>();
	/**
	 * `states`: the states a job goes through, one per GET (the last one stays). `failKeys`: requests
	 * answered with an error. `fileOutput`: a responses file whatever the input. `resultImageBytes`:
	 * each result's image padded to about this size (the benchmark's 1 MB images).
	 */
	const settings = { states: ['BATCH_STATE_SUCCEEDED'] as string[], failKeys: [] as string[], dropInlineMetadata: false, fileOutput: false, resultImageBytes: 0 };
	const stats = { created: 0, gets: 0, downloads: 0 };

	const readRequests = (input: Record<string, unknown>): { source: 'inline' | 'file'; requests: JobRequest[] } => {
		onlyFields(input, ['requests', 'fileName', 'file_name'], 'batch.input_config');
		if (input.requests !== undefined && (input.fileName ?? input.file_name) !== undefined) throw invalid('batch.input_config: set requests or fileName, not both');
		if (isObject(input.requests)) {
			onlyFields(input.requests, ['requests'], 'batch.input_config.requests');
			const list = input.requests.requests;
			if (!Array.isArray(list) || list.length === 0) throw invalid('batch.input_config.requests.requests must not be empty');
			return {
				source: 'inline',
				requests: list.map((entry, i) => {
					if (!isObject(entry) || !isObject(entry.request)) throw invalid(`batch.input_config.requests.requests[${i}].request is required`);
					onlyFields(entry, ['request', 'metadata'], `batch.input_config.requests.requests[${i}]`);
					const key = isObject(entry.metadata) ? entry.metadata.key : undefined;
					return { key: typeof key === 'string' ? key : undefined, request: entry.request };
				}),
			};
		}
		const fileName = input.fileName ?? input.file_name;
		const file = typeof fileName === 'string' ? files.get(fileName) : undefined;
		if (!file) throw googleError(404, 'NOT_FOUND', `File ${String(fileName)} not found.`);
		const lines = file.bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '');
		if (lines.length === 0) throw invalid(`${file.name} holds no requests`);
		return {
			source: 'file',
			requests: lines.map((line, i) => {
				let entry: unknown;
				try {
					entry = JSON.parse(line);
				} catch {
					throw invalid(`${file.name} line ${i + 1} is not JSON`);
				}
				if (!isObject(entry) || !isObject(entry.request) || typeof entry.key !== 'string') throw invalid(`${file.name} line ${i + 1}: each line is {"key": "...", "request": {...}}`);
				return { key: entry.key, request: entry.request };
			}),
		};
	};

	const create = (model: string, req: GeminiRequest): Answer => {
		const body = req.json;
		if (!isObject(body) || !isObject(body.batch)) throw invalid('batch is required');
		onlyFields(body, ['batch'], '');
		onlyFields(body.batch, ['displayName', 'display_name', 'inputConfig', 'input_config'], 'batch');
		const input = body.batch.inputConfig ?? body.batch.input_config;
		if (!isObject(input)) throw invalid('batch.input_config is required');
		const { source, requests } = readRequests(input);
		const now = new Date().toISOString();
		const displayName = body.batch.displayName ?? body.batch.display_name;
		const job: BatchJob = {
			name: `batches/${randomBytes(8).toString('hex')}`,
			model,
			displayName: typeof displayName === 'string' ? displayName : undefined,
			source,
			requests,
			state: 'BATCH_STATE_PENDING',
			polls: 0,
			createTime: now,
			updateTime: now,
			cancelled: false,
		};
		jobs.set(job.name, job);
		stats.created++;
		return jsonAnswer(200, operation(job));
	};

	/** A response whose images are padded to `settings.resultImageBytes` (PNGs stay valid: the padding is a chunk of their own). */
	const padded = (response: Record<string, unknown>): Record<string, unknown> => {
		if (settings.resultImageBytes <= 0) return response;
		const parts = ((response.candidates as Array<{ content: { parts: Array<Record<string, unknown>> } }>)[0]?.content.parts ?? []);
		for (const part of parts) {
			const inline = part.inlineData as { mimeType: string; data: string } | undefined;
			if (inline?.mimeType === 'image/png' && part.thought !== true) inline.data = padPng(Buffer.from(inline.data, 'base64'), settings.resultImageBytes).toString('base64');
		}
		return response;
	};

	/** One request of the job through generateContent, as Google runs it. */
	const answer = (job: BatchJob, entry: JobRequest): JobResult => {
		if (entry.key !== undefined && settings.failKeys.includes(entry.key)) return { key: entry.key, error: { code: 13, message: 'Internal error encountered.' } };
		const raw = Buffer.from(JSON.stringify(entry.request));
		try {
			const answered = generate(job.model, { method: 'POST', path: `/v1beta/models/${job.model}:generateContent`, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, raw, json: entry.request });
			return { key: entry.key, response: padded(JSON.parse(answered.body.toString('utf8')) as Record<string, unknown>) };
		} catch (error) {
			if (!(error instanceof HttpError)) throw error;
			const e = (error.body as { error: { message: string; status: string } }).error;
			return { key: entry.key, error: { code: GRPC[e.status] ?? 2, message: e.message } };
		}
	};

	const finish = (job: BatchJob, state: string): void => {
		job.state = state;
		job.endTime = new Date().toISOString();
		if (state !== 'BATCH_STATE_SUCCEEDED') return;
		job.results = job.requests.map((entry) => answer(job, entry));
		if (job.source === 'file' || settings.fileOutput) {
			const name = `files/batch-${job.name.slice('batches/'.length)}`;
			const bytes = Buffer.from(job.results.map((r) => JSON.stringify(r)).join('\n') + '\n');
			files.set(name, { name, uri: `${ctx.apiUrl}/google/v1beta/${name}`, mimeType: 'application/jsonl', bytes, processingPolls: 0 });
			job.responsesFile = name;
		}
	};

	const output = (job: BatchJob): Record<string, unknown> | undefined => {
		if (job.state !== 'BATCH_STATE_SUCCEEDED' || !job.results) return undefined;
		if (job.responsesFile) return { responsesFile: job.responsesFile };
		const inlined = job.results.map(({ key, response, error }) => ({
			...(response !== undefined ? { response } : { error }),
			...(key !== undefined && !settings.dropInlineMetadata ? { metadata: { key } } : {}),
		}));
		return { inlinedResponses: { inlinedResponses: inlined } };
	};

	const operation = (job: BatchJob): Record<string, unknown> => {
		const failed = job.results?.filter((r) => r.error).length ?? 0;
		const done = TERMINAL.has(job.state);
		const out = output(job);
		const count = job.requests.length;
		return {
			name: job.name,
			metadata: {
				'@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
				model: `models/${job.model}`,
				...(job.displayName ? { displayName: job.displayName } : {}),
				createTime: job.createTime,
				updateTime: job.updateTime,
				...(job.endTime ? { endTime: job.endTime } : {}),
				batchStats: {
					requestCount: String(count),
					...(job.results ? { successfulRequestCount: String(count - failed), failedRequestCount: String(failed) } : { pendingRequestCount: String(count) }),
				},
				state: job.state,
				name: job.name,
				...(out ? { output: out } : {}),
			},
			done,
			...(out ? { response: { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput', ...out } } : {}),
			...(job.state === 'BATCH_STATE_FAILED' ? { error: { code: 13, message: 'Batch job failed: the input could not be processed.' } } : {}),
		};
	};

	const jobOf = (id: string): BatchJob => {
		const job = jobs.get(`batches/${id}`);
		if (!job) throw googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
		return job;
	};

	const get = (id: string): Answer => {
		const job = jobOf(id);
		stats.gets++;
		if (!TERMINAL.has(job.state)) {
			const next = settings.states[Math.min(job.polls, settings.states.length - 1)];
			job.polls++;
			job.updateTime = new Date().toISOString();
			if (TERMINAL.has(next)) finish(job, next);
			else job.state = next;
		}
		return jsonAnswer(200, operation(job));
	};

	const cancel = (id: string): Answer => {
		const job = jobOf(id);
		if (TERMINAL.has(job.state)) throw googleError(400, 'FAILED_PRECONDITION', `Batch ${job.name} is already in a terminal state (${job.state}).`);
		job.cancelled = true;
		finish(job, 'BATCH_STATE_CANCELLED');
		return jsonAnswer(200, {});
	};

	return {
		jobs,
		settings,
		stats,
		reset(): void {
			jobs.clear();
			settings.states = ['BATCH_STATE_SUCCEEDED'];
			settings.failKeys = [];
			settings.dropInlineMetadata = false;
			settings.fileOutput = false;
			settings.resultImageBytes = 0;
			stats.created = 0;
			stats.gets = 0;
			stats.downloads = 0;
		},
		/** The batch calls; undefined for any other path. */
		handle(req: GeminiRequest): Answer | undefined {
			const submit = /^\/v1beta\/models\/([^/:]+):batchGenerateContent$/.exec(req.path);
			if (req.method === 'POST' && submit) return create(decodeURIComponent(submit[1]), req);
			const job = /^\/v1beta\/batches\/([\w-]+)(:cancel)?$/.exec(req.path);
			if (job && req.method === 'GET' && !job[2]) return get(job[1]);
			if (job && req.method === 'POST' && job[2]) return cancel(job[1]);
			const download = /^\/download\/v1beta\/(files\/[^/:]+):download$/.exec(req.path);
			if (req.method === 'GET' && download && req.query.get('alt') === 'media') {
				const stored = files.get(download[1]);
				if (!stored) throw googleError(404, 'NOT_FOUND', `File ${download[1]} not found.`);
				stats.downloads++;
				return { status: 200, headers: { 'content-type': stored.mimeType }, body: stored.bytes };
			}
			return undefined;
		},
	};
}

export type BatchRoute = ReturnType<typeof createBatchRoute>;
