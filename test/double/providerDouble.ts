/**
 * Provider double: a real HTTP server on 127.0.0.1 that imitates the four OpenAI-style image
 * gateways of /work/shared/seeds, written from those documents alone (it imports nothing from
 * nodes/ or credentials/), so tests can assert on what a gateway would have received and parsed.
 *
 *   const double = await startProviderDouble();
 *   // base URL of a dialect: double.baseUrlFor('gptGe') === `${double.url}/gptGe`
 *   ...
 *   await double.close();
 *
 * Dialects (path prefix): `gptGe` (V-API, seeds 000/001), `openai` (generic, seed 002), `theTurbo`
 * (seed 003), `tuZi` (seed 004). Routes under each prefix:
 *   GET  /v1/models               {"object":"list","data":[{"id","object":"model",...}]}
 *   POST /v1/images/generations   JSON body (anything else: 400)
 *   POST /v1/images/edits         multipart/form-data, parsed with busboy (anything else: 400)
 * Every route wants `Authorization: Bearer <apiKey>` (else 401 invalid_api_key, the key received is
 * never echoed). theTurbo's image routes also want `Accept` to include `application/json` (406).
 * Unknown paths or methods: 404 `Invalid URL (METHOD /path)`.
 *
 * What is checked (400, OpenAI-style `{"error":{message,type,param,code}}`): `model` and `prompt`
 * present and non-empty; edits: an image on gptGe and tuZi (theTurbo and openai allow none); gptGe
 * at most 6 images; theTurbo at most 3 for gemini-2.5-flash-image, 14 otherwise; every image (and
 * tuZi's/gptGe's `mask`) must be a PNG, JPEG or WebP; `n` an integer 1..10 (gptGe, tuZi, openai;
 * theTurbo ignores `n` and answers one image); `response_format` `url` or `b64_json` where the
 * dialect has it; the resulting size at most 8192 a side and about 17 Mpx.
 *
 * Image fields: gptGe and tuZi read files named `image` only (their documents); theTurbo and openai
 * read `image` and `image[]`. A part without a filename (and not application/octet-stream) is a text
 * field, as in any multipart parser: send images with a filename.
 *
 * Size of the answered image (ratio table at 1K; 2K doubles each side, 4K quadruples):
 *   gptGe   ids ending -2k/-4k fix the tier, ratio from `size`; other ids containing `pro`: tier from
 *           `size` (1k/2k/4k), ratio from `aspect_ratio`; the rest (flash): ratio from `size`
 *           (a ratio, or {w}x{h} mapped to the nearest ratio), always 1K.
 *   theTurbo ratio from `aspect_ratio`, tier from `image_size` (1K/2K/4K).
 *   tuZi    `size` {w}x{h} as given, multiplied by `quality` 1k/2k/4k (1/2/4) when present;
 *           `gemini-3-pro-image-preview-hd` always multiplies by 4; no usable size: ratio table.
 *   openai  `size` {w}x{h} as given, or a ratio (1K).
 * A value the dialect does not understand is ignored (as gateways do). No ratio: the first input
 * image's ratio (nearest in the table) on edits, else 1:1.
 *
 * Answer: `{"created", "data":[{"url"}|{"b64_json"}...], "usage"?}`. Format: gptGe `url` for
 * `nano-banana*` ids, `b64_json` otherwise, and `gemini-2.5-flash-image` always b64_json; tuZi and
 * openai `url` unless `response_format` says `b64_json`; theTurbo always `b64_json`.
 * `settings.answer` overrides all of that (`data_url` answers `url: "data:image/png;base64,..."`).
 * URLs point at `fileHostUrl` (another port, so another origin) `/files/<id>.png|jpg`, kept in memory
 * until reset(); every request to that host is recorded in `downloads`. `usage` is added on gptGe
 * generations and everywhere when `settings.usage` is true.
 *
 * Scripted answers (`enqueue`): each API request takes the first queued entry whose `match` passes
 * (or that has none). `dropConnection` destroys the socket without a byte; `status`/`body` replace
 * the answer (a status >= 400 without body gets an OpenAI-style error body; a status < 400 without
 * body keeps the normal answer under that status); an entry with neither still delays/adds headers
 * to the normal answer; `dropMidBody` sends the headers (with the full content-length) and half the
 * body, then destroys the socket. The answer goes out `settings.latencyMs` + `delayMs` after the
 * request's body has arrived (it is made during that wait, as a gateway generates). Scripted
 * entries win over auth and validation (the request is still recorded).
 *
 * `canned` holds ready ScriptedResponses for the "no image came back" shapes of N8N-NOTES.md and for
 * busy upstreams. `ERROR_BODIES` documents the exact error bodies.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import type { ChatAnswerShape } from './chatRoute';
import { createChatRoute, openRouterModels } from './chatRoute';
import type { Answer } from './doubleKit';
import type { GeminiRoute } from './geminiRoute';
import { createGeminiRoute } from './geminiRoute';
import { EXTRA_RATIOS, GEMINI_RATIOS, HttpError, headerValue, jsonAnswer, nextSeed, nowSeconds } from './doubleKit';
import { encodeJpeg, encodePng, readImageSize } from './images';

export type Dialect = 'gptGe' | 'tuZi' | 'theTurbo' | 'openai';
/** A route of the double: the four image gateways, Google's Gemini API, OpenRouter. */
export type Prefix = Dialect | 'google' | 'openRouter';

export interface RecordedFile {
	field: string;
	filename: string | undefined;
	contentType: string;
	bytes: Buffer;
	width?: number;
	height?: number;
}

export interface RecordedRequest {
	dialect: Prefix | undefined; // from the path prefix
	method: string;
	path: string; // path without the dialect prefix, e.g. '/v1/images/edits'
	query: string; // the query string without '?', e.g. 'upload_id=...'
	headers: Record<string, string | string[] | undefined>;
	contentType: string | undefined;
	json?: Record<string, unknown>; // parsed JSON body (generations)
	fields?: Record<string, string[]>; // multipart text fields, every value in order
	files?: RecordedFile[]; // multipart file parts, in order
	rawBodyLength: number;
}

export interface ScriptedResponse {
	status?: number;
	headers?: Record<string, string>;
	body?: string | Buffer | object;
	delayMs?: number; // wait before answering (to test timeouts)
	dropConnection?: boolean; // destroy the socket without answering
	dropMidBody?: boolean; // send headers + part of a body, then destroy
	match?: (req: RecordedRequest) => boolean; // optional: only for matching requests
}

export interface DoubleSettings {
	latencyMs: number;
	imageFormat: 'png' | 'jpeg';
	answer: 'auto' | 'url' | 'b64_json' | 'data_url';
	usage: boolean;
	/** Where chat-completions answers put the image (chatRoute.ts). */
	chatAnswer: ChatAnswerShape;
	/**
	 * A gateway account's limit: at most this many API requests in flight (0: no limit). One more
	 * is answered at once with 429, `Retry-After: <limitRetryAfter>` and an OpenAI-style
	 * rate-limit body, and counted in `limit.rejected`.
	 */
	maxInFlight: number;
	/** Retry-After of those 429s, in seconds (0: no Retry-After header). */
	limitRetryAfter: number;
}

export interface StoredFile {
	bytes: Buffer;
	contentType: string;
}

export interface ProviderDouble {
	url: string; // e.g. http://127.0.0.1:12345 ; each dialect lives under `${url}/${dialect}`
	fileHostUrl: string; // second server on ANOTHER port that serves image URLs
	baseUrlFor(d: Prefix): string; // `${url}/${d}`
	/** Google's Gemini API route: the files uploaded through its Files API, and its settings. */
	gemini: GeminiRoute;
	apiKey: string; // the Bearer key it accepts
	requests: RecordedRequest[]; // every API request (not file downloads)
	/** Under `settings.maxInFlight`: 429s sent, the most requests accepted at once, and now. */
	limit: { rejected: number; peak: number; inFlight: number };
	downloads: Array<{ path: string; headers: Record<string, string | string[] | undefined> }>;
	settings: DoubleSettings;
	/** Images answered as URLs, by file name (`<id>.png`); delete one to make its URL "expire". */
	files: Map<string, StoredFile>;
	/** Statuses the file host answers for a file name before it serves the file (503, 429 ...), one per download. */
	fileFaults: Map<string, number[]>;
	enqueue(...responses: ScriptedResponse[]): void; // scripted answers for the next API requests
	reset(): void; // clear requests, downloads, queue, stored files, settings back to defaults
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'test-key-do-not-leak-1234567890';

export const DIALECTS: readonly Dialect[] = ['gptGe', 'tuZi', 'theTurbo', 'openai'];
export const PREFIXES: readonly Prefix[] = [...DIALECTS, 'google', 'openRouter'];

/** The model ids each gateway's documents name (what GET /v1/models lists). */
export const MODELS: Readonly<Record<Dialect, readonly string[]>> = {
	gptGe: [
		'nano-banana',
		'nano-banana-pro',
		'nano-banana-pro-2k',
		'nano-banana-pro-4k',
		'gemini-3-pro-image-preview',
		'gemini-2.5-flash-image',
	],
	openai: ['nano-banana'],
	theTurbo: ['gemini-2.5-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-image'],
	tuZi: ['gemini-3-pro-image-preview', 'gemini-3-pro-image-preview-hd'],
};

/** Ratio table of seeds 000/001, at 1K: the image gateways' ratios (without Gemini 3.1's extras). */
export const RATIOS: Readonly<Record<string, readonly [number, number]>> = Object.fromEntries(
	Object.entries(GEMINI_RATIOS).filter(([ratio]) => !EXTRA_RATIOS.includes(ratio)),
);

const MAX_SIDE = 8192;
const MAX_PIXELS = 17_000_000;

interface ErrorBody {
	error: { message: string; type: string; param: string | null; code: string | number | null };
}

function errorBody(
	message: string,
	code: string | number | null,
	param: string | null = null,
	type = 'invalid_request_error',
): ErrorBody {
	return { error: { message, type, param, code } };
}

/** The exact error bodies the double answers (the message may name the offending value). */
export const ERROR_BODIES = {
	/** 401 on a missing or wrong Bearer key. */
	invalidApiKey: {
		error: {
			message: 'Invalid API key provided',
			type: 'invalid_request_error',
			code: 'invalid_api_key',
		},
	},
	/** 400 when a required field is missing or empty (`param` is 'model', 'prompt' or 'image'). */
	missing: (param: string): ErrorBody =>
		errorBody(`Missing required parameter: '${param}'.`, 'missing_required_parameter', param),
	/** 406 on theTurbo's image routes without `Accept: application/json`. */
	notAcceptable: errorBody(
		"The 'Accept' header must be 'application/json'.",
		'not_acceptable',
		'Accept',
	),
};

/** Ready scripted answers: the "no image" shapes of N8N-NOTES.md, and busy upstreams. */
export const canned = {
	/** 200 with an empty `data` array. */
	emptyData: (): ScriptedResponse => ({
		status: 200,
		body: { created: nowSeconds(), data: [] },
	}),
	/** 200 with a data item that has no image, only the model's words in `revised_prompt`. */
	revisedPromptOnly: (
		words = 'I can describe a banana, but I did not draw one this time.',
	): ScriptedResponse => ({
		status: 200,
		body: { created: nowSeconds(), data: [{ revised_prompt: words }] },
	}),
	/** 200 whose body is an `error` object (some gateways do this). */
	errorIn200: (message = '当前分组上游负载已饱和，请稍后再试'): ScriptedResponse => ({
		status: 200,
		body: errorBody(message, 'upstream_error', null, 'upstream_error'),
	}),
	/** 200 with the model's text holding a markdown image link, and no url/b64_json. */
	markdownText: (link = 'https://example.invalid/generated/banana.png'): ScriptedResponse => ({
		status: 200,
		body: {
			created: nowSeconds(),
			data: [{ revised_prompt: `Here is your image: ![image](${link})` }],
		},
	}),
	/** 429 or 503 with the Chinese "upstream saturated" message. */
	saturated: (status: 429 | 503 = 503, retryAfter?: number): ScriptedResponse => ({
		status,
		headers: retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
		body: errorBody(
			'当前分组上游负载已饱和，请稍后再试',
			status === 429 ? 'rate_limit_exceeded' : 'upstream_saturated',
			null,
			status === 429 ? 'rate_limit_error' : 'server_error',
		),
	}),
};

function internalError(message: string): Answer {
	return jsonAnswer(
		500,
		errorBody(`provider double internal error: ${message}`, 'internal_error', null, 'server_error'),
	);
}


function bad(message: string, code: string, param: string | null = null): HttpError {
	return new HttpError(400, errorBody(message, code, param));
}


type Tier = 1 | 2 | 4;

function ratioOf(value: string | undefined): string | undefined {
	const v = value?.trim();
	return v !== undefined && Object.prototype.hasOwnProperty.call(RATIOS, v) ? v : undefined;
}

function dimsOf(value: string | undefined): [number, number] | undefined {
	const m = /^\s*(\d{1,6})\s*[xX×*]\s*(\d{1,6})\s*$/.exec(value ?? '');
	if (!m) return undefined;
	const w = Number(m[1]);
	const h = Number(m[2]);
	return w > 0 && h > 0 ? [w, h] : undefined;
}

function tierOf(value: string | undefined): Tier | undefined {
	const m = /^\s*([124])k\s*$/i.exec(value ?? '');
	return m ? (Number(m[1]) as Tier) : undefined;
}

function nearestRatio(w: number, h: number): string {
	const target = Math.log(w / h);
	let best = '1:1';
	let bestDistance = Infinity;
	for (const [key, [rw, rh]] of Object.entries(RATIOS)) {
		const d = Math.abs(Math.log(rw / rh) - target);
		if (d < bestDistance) {
			best = key;
			bestDistance = d;
		}
	}
	return best;
}

function tableSize(ratio: string, tier: Tier): [number, number] {
	const [w, h] = RATIOS[ratio];
	return [w * tier, h * tier];
}


function contentTypeFor(format: 'png' | 'jpeg'): string {
	return format === 'png' ? 'image/png' : 'image/jpeg';
}

interface ParsedBody {
	kind: 'json' | 'multipart' | 'none' | 'other';
	error?: string;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
		req.on('aborted', () => reject(new Error('request aborted')));
	});
}

async function parseMultipart(
	headers: http.IncomingHttpHeaders,
	raw: Buffer,
	record: RecordedRequest,
): Promise<void> {
	const fields: Record<string, string[]> = {};
	const files: RecordedFile[] = [];
	record.fields = fields;
	record.files = files;
	await new Promise<void>((resolve, reject) => {
		let bb: busboy.Busboy;
		try {
			bb = busboy({
				headers,
				defParamCharset: 'utf8',
				limits: { fieldSize: 16 * 1024 * 1024 },
			});
		} catch (e) {
			reject(e instanceof Error ? e : new Error(String(e)));
			return;
		}
		const pending: Array<Promise<void>> = [];
		bb.on('field', (name, value) => {
			(fields[name] ??= []).push(value);
		});
		bb.on('file', (name, stream, info) => {
			const file: RecordedFile = {
				field: name,
				filename: info.filename,
				contentType: info.mimeType,
				bytes: Buffer.alloc(0),
			};
			files.push(file);
			pending.push(
				new Promise<void>((done, fail) => {
					const chunks: Buffer[] = [];
					stream.on('data', (c: Buffer) => chunks.push(c));
					stream.on('error', fail);
					stream.on('end', () => {
						file.bytes = Buffer.concat(chunks);
						const size = readImageSize(file.bytes);
						if (size) {
							file.width = size.width;
							file.height = size.height;
						}
						done();
					});
				}),
			);
		});
		bb.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
		bb.on('close', () => {
			Promise.all(pending).then(() => resolve(), reject);
		});
		bb.end(raw);
	});
}

/** Normalised request parameters, read from the JSON body or the multipart text fields. */
class Params {
	constructor(private readonly record: RecordedRequest) {}

	get(name: string): string | undefined {
		if (this.record.json) {
			const v = this.record.json[name];
			if (typeof v === 'string') return v;
			if (typeof v === 'number' || typeof v === 'boolean') return String(v);
			return undefined;
		}
		return this.record.fields?.[name]?.[0];
	}

	has(name: string): boolean {
		return this.get(name) !== undefined;
	}
}

interface Plan {
	width: number;
	height: number;
	count: number;
	format: 'url' | 'b64_json' | 'data_url';
	usage: boolean;
}

function planSize(
	dialect: Dialect,
	model: string,
	p: Params,
	images: RecordedFile[],
): [number, number] {
	const first = images[0];
	const fallbackRatio =
		first?.width && first.height ? nearestRatio(first.width, first.height) : '1:1';
	const m = model.trim().toLowerCase();
	switch (dialect) {
		case 'gptGe': {
			const size = p.get('size');
			const alias = /-([24])k$/.exec(m);
			if (alias) {
				const dims = dimsOf(size);
				const ratio = ratioOf(size) ?? (dims ? nearestRatio(dims[0], dims[1]) : fallbackRatio);
				return tableSize(ratio, Number(alias[1]) as Tier);
			}
			if (m.includes('pro')) {
				return tableSize(ratioOf(p.get('aspect_ratio')) ?? fallbackRatio, tierOf(size) ?? 1);
			}
			const dims = dimsOf(size);
			return tableSize(ratioOf(size) ?? (dims ? nearestRatio(dims[0], dims[1]) : fallbackRatio), 1);
		}
		case 'theTurbo':
			return tableSize(ratioOf(p.get('aspect_ratio')) ?? fallbackRatio, tierOf(p.get('image_size')) ?? 1);
		case 'tuZi': {
			const tier: Tier = m.endsWith('-hd') ? 4 : (tierOf(p.get('quality')) ?? 1);
			const dims = dimsOf(p.get('size'));
			if (dims) return [dims[0] * tier, dims[1] * tier];
			return tableSize(fallbackRatio, tier);
		}
		case 'openai': {
			const size = p.get('size');
			const dims = dimsOf(size);
			if (dims) return dims;
			return tableSize(ratioOf(size) ?? fallbackRatio, 1);
		}
	}
}

function parseCount(dialect: Dialect, p: Params): number {
	if (dialect === 'theTurbo') return 1;
	const raw = p.get('n');
	if (raw === undefined || raw.trim() === '') return 1;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > 10) {
		throw bad(`Invalid 'n': ${JSON.stringify(raw)}. Must be an integer between 1 and 10.`, 'invalid_value', 'n');
	}
	return n;
}

function planFormat(dialect: Dialect, model: string, p: Params, settings: DoubleSettings): Plan['format'] {
	let format: Plan['format'];
	const requested = p.get('response_format');
	if (dialect !== 'theTurbo' && requested !== undefined && requested !== 'url' && requested !== 'b64_json') {
		throw bad(
			`Invalid 'response_format': ${JSON.stringify(requested)}. Must be 'url' or 'b64_json'.`,
			'invalid_value',
			'response_format',
		);
	}
	const m = model.trim().toLowerCase();
	switch (dialect) {
		case 'gptGe':
			if (m === 'gemini-2.5-flash-image') format = 'b64_json';
			else format = (requested as Plan['format'] | undefined) ?? (m.startsWith('nano-banana') ? 'url' : 'b64_json');
			break;
		case 'theTurbo':
			format = 'b64_json';
			break;
		default:
			format = (requested as Plan['format'] | undefined) ?? 'url';
	}
	return settings.answer === 'auto' ? format : settings.answer;
}

function imageFieldsOf(dialect: Dialect): string[] {
	return dialect === 'theTurbo' || dialect === 'openai' ? ['image', 'image[]'] : ['image'];
}

function validateImages(dialect: Dialect, model: string, record: RecordedRequest): RecordedFile[] {
	const names = imageFieldsOf(dialect);
	const files = record.files ?? [];
	const images = files.filter((f) => names.includes(f.field));
	for (const f of files) {
		const checked = names.includes(f.field) || (f.field === 'mask' && (dialect === 'tuZi' || dialect === 'gptGe'));
		if (checked && f.width === undefined) {
			throw bad(
				`Invalid image file in '${f.field}'${f.filename ? ` (${f.filename})` : ''}: expected PNG, JPEG or WebP.`,
				'invalid_image',
				f.field,
			);
		}
	}
	if (images.length === 0 && (dialect === 'gptGe' || dialect === 'tuZi')) {
		throw new HttpError(400, ERROR_BODIES.missing('image'));
	}
	const max =
		dialect === 'gptGe'
			? 6
			: dialect === 'theTurbo'
				? model.trim().toLowerCase() === 'gemini-2.5-flash-image'
					? 3
					: 14
				: Infinity;
	if (images.length > max) {
		throw bad(`Too many images: ${images.length} given, at most ${max} allowed.`, 'too_many_images', 'image');
	}
	return images;
}

export function startProviderDouble(
	opts: Partial<{ apiKey: string; latencyMs: number }> = {},
): Promise<ProviderDouble> {
	const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
	const defaultSettings = (): DoubleSettings => ({
		latencyMs: opts.latencyMs ?? 0,
		imageFormat: 'png',
		answer: 'auto',
		usage: false,
		chatAnswer: 'images',
		maxInFlight: 0,
		limitRetryAfter: 1,
	});
	const requests: RecordedRequest[] = [];
	const limit = { rejected: 0, peak: 0, inFlight: 0 };
	const downloads: ProviderDouble['downloads'] = [];
	const files = new Map<string, StoredFile>();
	const fileFaults = new Map<string, number[]>();
	const queue: ScriptedResponse[] = [];
	const timers = new Set<NodeJS.Timeout>();
	let closed = false;
	let fileHostUrl = '';

	const double = {
		url: '',
		fileHostUrl: '',
		apiKey,
		requests,
		limit,
		downloads,
		files,
		fileFaults,
		settings: defaultSettings(),
	} as ProviderDouble;

	const sleep = (ms: number): Promise<void> =>
		ms > 0
			? new Promise((resolve) => {
					const t = setTimeout(() => {
						timers.delete(t);
						resolve();
					}, ms);
					timers.add(t);
				})
			: Promise.resolve();

	const takeScripted = (record: RecordedRequest): ScriptedResponse | undefined => {
		for (let i = 0; i < queue.length; i++) {
			const entry = queue[i];
			let ok = true;
			if (entry.match) {
				try {
					ok = entry.match(record);
				} catch {
					ok = false;
				}
			}
			if (ok) {
				queue.splice(i, 1);
				return entry;
			}
		}
		return undefined;
	};

	const storeImage = (bytes: Buffer, format: 'png' | 'jpeg'): string => {
		const name = `${randomBytes(12).toString('hex')}.${format === 'png' ? 'png' : 'jpg'}`;
		files.set(name, { bytes, contentType: contentTypeFor(format) });
		return `${fileHostUrl}/files/${name}`;
	};

	const images = (
		dialect: Dialect,
		kind: 'generations' | 'edits',
		record: RecordedRequest,
		parsed: ParsedBody,
	): Answer => {
		if (dialect === 'theTurbo' && !/application\/json/i.test(headerValue(record.headers.accept))) {
			throw new HttpError(406, ERROR_BODIES.notAcceptable);
		}
		if (kind === 'generations') {
			if (parsed.kind !== 'json') {
				throw bad(
					parsed.error === undefined
						? `Invalid request body: expected a JSON object with Content-Type application/json (got ${record.contentType ?? 'no content type'}).`
						: `Invalid JSON body: ${parsed.error}`,
					'invalid_json',
				);
			}
		} else if (parsed.kind !== 'multipart') {
			throw bad(
				parsed.error === undefined
					? `Invalid request body: expected multipart/form-data (got ${record.contentType ?? 'no content type'}).`
					: `Invalid multipart body: ${parsed.error}`,
				'invalid_content_type',
			);
		}
		const p = new Params(record);
		const model = p.get('model');
		if (model === undefined || model.trim() === '') throw new HttpError(400, ERROR_BODIES.missing('model'));
		const prompt = p.get('prompt');
		if (prompt === undefined || prompt.trim() === '') throw new HttpError(400, ERROR_BODIES.missing('prompt'));
		const inputs = kind === 'edits' ? validateImages(dialect, model, record) : [];
		const count = parseCount(dialect, p);
		const settings = double.settings;
		const plan: Plan = {
			...(() => {
				const [width, height] = planSize(dialect, model, p, inputs);
				return { width, height };
			})(),
			count,
			format: planFormat(dialect, model, p, settings),
			usage: settings.usage || (dialect === 'gptGe' && kind === 'generations'),
		};
		if (
			plan.width > MAX_SIDE ||
			plan.height > MAX_SIDE ||
			plan.width * plan.height > MAX_PIXELS
		) {
			throw bad(
				`Invalid size: ${plan.width}x${plan.height} is too large (at most ${MAX_SIDE} a side and ${MAX_PIXELS} pixels).`,
				'invalid_value',
				'size',
			);
		}
		const imageFormat = settings.imageFormat;
		const data: Array<Record<string, string>> = [];
		for (let i = 0; i < plan.count; i++) {
			const seed = nextSeed();
			const bytes =
				imageFormat === 'png'
					? encodePng(plan.width, plan.height, seed, prompt)
					: encodeJpeg(plan.width, plan.height, seed, prompt);
			if (plan.format === 'b64_json') data.push({ b64_json: bytes.toString('base64') });
			else if (plan.format === 'data_url') {
				data.push({ url: `data:${contentTypeFor(imageFormat)};base64,${bytes.toString('base64')}` });
			}
			else data.push({ url: storeImage(bytes, imageFormat) });
		}
		const body: Record<string, unknown> = { created: nowSeconds(), data };
		if (plan.usage) {
			const textTokens = Math.max(1, Math.ceil(prompt.length / 4));
			const imageTokens = inputs.length * 258;
			const longSide = Math.max(plan.width, plan.height);
			const perImage = longSide > 2048 ? 2000 : longSide > 1536 ? 1120 : 1290;
			const output = perImage * plan.count;
			body.usage = {
				input_tokens: textTokens + imageTokens,
				input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
				output_tokens: output,
				total_tokens: textTokens + imageTokens + output,
			};
		}
		return jsonAnswer(200, body);
	};

	const routeContext = {
		apiKey,
		get apiUrl() {
			return double.url;
		},
		storeImage: (bytes: Buffer, format: 'png' | 'jpeg') => storeImage(bytes, format),
		get imageFormat() {
			return double.settings.imageFormat;
		},
	};
	const gemini = createGeminiRoute(routeContext);
	const chat = createChatRoute(routeContext, {
		get chatAnswer() {
			return double.settings.chatAnswer;
		},
	});

	const route = (record: RecordedRequest, parsed: ParsedBody, raw: Buffer): Answer => {
		const notFound = new HttpError(
			404,
			errorBody(`Invalid URL (${record.method} ${record.path})`, 'not_found'),
		);
		const dialect = record.dialect;
		if (!dialect) throw notFound;
		if (dialect === 'google') {
			const { method, path, headers, json } = record;
			return gemini.handle({ method, path, query: new URLSearchParams(record.query), headers, raw, json });
		}
		const isModels = record.method === 'GET' && record.path === '/v1/models';
		const isChat = record.method === 'POST' && record.path === '/v1/chat/completions';
		// OpenRouter's model list needs no key, as on openrouter.ai.
		if (dialect === 'openRouter' && isModels) return openRouterModels(new URLSearchParams(record.query));
		const isKey = dialect === 'openRouter' && record.method === 'GET' && record.path === '/v1/key';
		const isGenerations = dialect !== 'openRouter' && record.method === 'POST' && record.path === '/v1/images/generations';
		const isEdits = dialect !== 'openRouter' && record.method === 'POST' && record.path === '/v1/images/edits';
		if (!isModels && !isGenerations && !isEdits && !isChat && !isKey) throw notFound;
		const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(record.headers.authorization));
		if (!m || m[1] !== apiKey) throw new HttpError(401, ERROR_BODIES.invalidApiKey);
		if (isKey) return jsonAnswer(200, { data: { label: 'double key', usage: 0, limit: null, is_free_tier: false } });
		if (isChat) return chat(parsed.kind === 'json' ? record.json : undefined, dialect === 'openRouter');
		if (dialect === 'openRouter') throw notFound;
		if (isModels) {
			return jsonAnswer(200, {
				object: 'list',
				data: MODELS[dialect].map((id) => ({ id, object: 'model', created: 1735689600, owned_by: dialect })),
			});
		}
		return images(dialect, isGenerations ? 'generations' : 'edits', record, parsed);
	};

	const answerOf = (record: RecordedRequest, parsed: ParsedBody, raw: Buffer): Answer => {
		try {
			return route(record, parsed, raw);
		} catch (e) {
			if (e instanceof HttpError) return jsonAnswer(e.status, e.body, e.headers);
			const message = e instanceof Error ? e.message : String(e);
			return internalError(message);
		}
	};

	const scriptedAnswer = (s: ScriptedResponse, status: number): Answer => {
		const body = s.body;
		let answer: Answer;
		if (body === undefined) {
			const message = `${http.STATUS_CODES[status] ?? 'Error'} (scripted)`;
			answer = jsonAnswer(status, errorBody(message, status, null, 'scripted_error'));
		} else if (Buffer.isBuffer(body)) {
			answer = { status, headers: { 'content-type': 'application/octet-stream' }, body };
		} else if (typeof body === 'string') {
			let isJson = false;
			try {
				JSON.parse(body);
				isJson = true;
			} catch {
				isJson = false;
			}
			answer = {
				status,
				headers: { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' },
				body: Buffer.from(body),
			};
		} else {
			answer = jsonAnswer(status, body);
		}
		return answer;
	};

	const send = (res: http.ServerResponse, answer: Answer, dropMidBody: boolean): void => {
		if (res.destroyed || res.writableEnded) return;
		const headers: Record<string, string> = { ...answer.headers };
		const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
		lowered['content-length'] = String(answer.body.length);
		res.writeHead(answer.status, lowered);
		if (!dropMidBody) {
			res.end(answer.body);
			return;
		}
		const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
		res.flushHeaders();
		res.write(half, () => {
			const t = setTimeout(() => {
				timers.delete(t);
				res.socket?.destroy();
				res.destroy();
			}, 20);
			timers.add(t);
		});
	};

	const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const segments = url.pathname.split('/');
		const prefix = segments[1] ?? '';
		const dialect = (PREFIXES as readonly string[]).includes(prefix) ? (prefix as Prefix) : undefined;
		const path = dialect ? `/${segments.slice(2).join('/')}` : url.pathname;
		const record: RecordedRequest = {
			dialect,
			method: req.method ?? 'GET',
			path,
			query: url.search.replace(/^\?/, ''),
			headers: { ...req.headers },
			contentType: req.headers['content-type'],
			rawBodyLength: 0,
		};
		requests.push(record);
		const limited = double.settings.maxInFlight > 0 && limit.inFlight >= double.settings.maxInFlight;
		if (!limited) {
			limit.inFlight++;
			limit.peak = Math.max(limit.peak, limit.inFlight);
			res.once('close', () => limit.inFlight--);
		}
		const raw = await readBody(req);
		const arrived = performance.now();
		if (limited) {
			limit.rejected++;
			const retryAfter = double.settings.limitRetryAfter;
			const body = errorBody('Rate limit reached: too many requests in flight for this account.', 'rate_limit_exceeded', null, 'rate_limit_error');
			send(res, jsonAnswer(429, body, retryAfter > 0 ? { 'retry-after': String(retryAfter) } : {}), false);
			return;
		}
		record.rawBodyLength = raw.length;
		const parsed: ParsedBody = { kind: 'none' };
		const ct = (record.contentType ?? '').toLowerCase();
		if (raw.length > 0 || ct) {
			if (/^application\/([\w.+-]+\+)?json\b/.test(ct)) {
				try {
					const value: unknown = JSON.parse(raw.toString('utf8'));
					if (value && typeof value === 'object' && !Array.isArray(value)) {
						record.json = value as Record<string, unknown>;
						parsed.kind = 'json';
					} else {
						parsed.kind = 'other';
						parsed.error = 'the body is not a JSON object';
					}
				} catch (e) {
					parsed.kind = 'other';
					parsed.error = e instanceof Error ? e.message : String(e);
				}
			} else if (ct.startsWith('multipart/form-data')) {
				try {
					await parseMultipart(req.headers, raw, record);
					parsed.kind = 'multipart';
				} catch (e) {
					parsed.kind = 'other';
					parsed.error = e instanceof Error ? e.message : String(e);
				}
			} else {
				parsed.kind = 'other';
			}
		}
		const scripted = takeScripted(record);
		const wait = double.settings.latencyMs + (scripted?.delayMs ?? 0);
		if (scripted?.dropConnection) {
			await sleep(wait);
			if (!closed) req.socket.destroy();
			return;
		}
		// The answer is made while the latency runs, as a gateway generates while the client waits:
		// it goes out `wait` ms after the request arrived, however long making it took.
		let answer: Answer;
		if (scripted && scripted.body !== undefined) {
			answer = scriptedAnswer(scripted, scripted.status ?? 200);
		} else if (scripted?.status !== undefined && scripted.status >= 400) {
			answer = scriptedAnswer(scripted, scripted.status);
		} else {
			answer = answerOf(record, parsed, raw);
			if (scripted?.status !== undefined) answer.status = scripted.status;
		}
		if (scripted?.headers) answer.headers = { ...answer.headers, ...scripted.headers };
		await sleep(wait - (performance.now() - arrived));
		if (closed || res.destroyed) return;
		send(res, answer, scripted?.dropMidBody === true);
	};

	const handleFile = (req: http.IncomingMessage, res: http.ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		downloads.push({ path: url.pathname, headers: { ...req.headers } });
		req.resume();
		const m = /^\/files\/([^/]+)$/.exec(url.pathname);
		const fault = m ? fileFaults.get(m[1])?.shift() : undefined;
		if (fault !== undefined) {
			res.writeHead(fault, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '0' });
			res.end('Try again');
			return;
		}
		const file = m ? files.get(m[1]) : undefined;
		if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
			res.end('Not Found');
			return;
		}
		res.writeHead(200, {
			'content-type': file.contentType,
			'content-length': String(file.bytes.length),
			'cache-control': 'private, max-age=3600',
		});
		res.end(req.method === 'HEAD' ? undefined : file.bytes);
	};

	const api = http.createServer((req, res) => {
		res.on('error', () => undefined);
		handleApi(req, res).catch((e: unknown) => {
			try {
				const message = e instanceof Error ? e.message : String(e);
				send(res, internalError(message), false);
			} catch {
				res.destroy();
			}
		});
	});
	const fileHost = http.createServer((req, res) => {
		res.on('error', () => undefined);
		try {
			handleFile(req, res);
		} catch {
			res.destroy();
		}
	});
	for (const server of [api, fileHost]) {
		server.on('clientError', (_err, socket) => {
			if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else socket.destroy();
		});
	}

	const listen = (server: http.Server): Promise<string> =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				server.off('error', reject);
				const address = server.address() as AddressInfo;
				resolve(`http://127.0.0.1:${address.port}`);
			});
		});

	const closeServer = (server: http.Server): Promise<void> =>
		new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});

	double.baseUrlFor = (d: Prefix): string => `${double.url}/${d}`;
	double.gemini = gemini;
	double.enqueue = (...responses: ScriptedResponse[]): void => {
		queue.push(...responses);
	};
	double.reset = (): void => {
		requests.length = 0;
		limit.rejected = 0;
		limit.peak = limit.inFlight;
		downloads.length = 0;
		queue.length = 0;
		files.clear();
		fileFaults.clear();
		gemini.reset();
		Object.assign(double.settings, defaultSettings());
	};
	double.close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		for (const t of timers) clearTimeout(t);
		timers.clear();
		await Promise.all([closeServer(api), closeServer(fileHost)]);
	};

	return (async () => {
		double.url = await listen(api);
		try {
			fileHostUrl = await listen(fileHost);
		} catch (e) {
			await closeServer(api);
			throw e;
		}
		double.fileHostUrl = fileHostUrl;
		return double;
	})();
}
