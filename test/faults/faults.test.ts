/**
 * The fault suite of issue #3 ("Never lose a paid image"): the node runs through n8n-core's real
 * workflow engine against the provider double, with one fault injected at a time, for generate
 * and edit. Each case checks the outcome (an image after N retries, or a named error), how many
 * requests reached the gateway (no runaway retries), what was downloaded, that a clean item next
 * to the faulted one comes through under Continue On Fail, and that the API key appears in no
 * error, item, run data or log line. Then: batches (429 storms, the batch-wide pause),
 * cancellation, default timeouts and a 200-item load case with seeded random faults.
 *
 * The last test writes what the run saw to docs/reliability.md (in CI: fails if it differs).
 */
import { captureLogs, consoleLines, logLines, stopCapture } from './logCapture';

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import path from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { encodePng, readImageSize } from '../double/images';
import type { ProviderDouble, RecordedRequest, ScriptedResponse } from '../double/providerDouble';
import { canned, startProviderDouble } from '../double/providerDouble';
import type { InputItem, OutputItem, RunResult } from '../helpers/n8n';
import { shutdownN8n } from '../helpers/n8n';
import { imageItem, runNanoBanana, serialiseDeep } from '../helpers/nanoBanana';
import type { FigureRow } from './faultKit';
import { HostNames, ScriptedHost, cdnImage, closedPort, forwarder, handlers, renderReliability, seededRandom } from './faultKit';

type Op = 'generate' | 'edit';
const OPS: Op[] = ['generate', 'edit'];

const FAULTED = 'faulted item: a banana on a red bicycle';
const CLEAN = 'clean item: a lemon on a blue bicycle';
const INPUT = imageItem({ data: { width: 16, height: 16 } });
const INPUT_BYTES = (INPUT.binary as NonNullable<InputItem['binary']>).data.data;
const RA0 = { 'retry-after': '0' };
const DOC = path.join(__dirname, '..', '..', 'docs', 'reliability.md');

let double: ProviderDouble;
let cdn: ScriptedHost;
let redirector: ScriptedHost;
let key: string;
const names = new HostNames();
const rows = new Map<string, FigureRow>();
const expectedRows: string[] = [];
const arrivals = new WeakMap<RecordedRequest, number>();
const searched = { runs: 0, errors: 0, items: 0, requestsToOthers: 0 };
let loadFigures: string[] = [];

/** Notes when each request reached the double; never answers itself. */
const arrivalSpy = (): ScriptedResponse => ({
	match: (r) => {
		if (!arrivals.has(r)) arrivals.set(r, Date.now());
		return false;
	},
});

function resetAll(): void {
	double.reset();
	cdn.reset();
	redirector.reset();
	double.enqueue(arrivalSpy());
}

beforeAll(async () => {
	const level = captureLogs();
	expect(level).toBe('debug');
	double = await startProviderDouble();
	key = double.apiKey;
	cdn = await new ScriptedHost(handlers.image()).start();
	redirector = await new ScriptedHost(handlers.status(404, 'no route')).start();
	names.set(new URL(double.url).host, '<gateway>');
	names.set(new URL(double.fileHostUrl).host, '<file host>');
	names.set(cdn.host, '<cdn>');
	names.set(redirector.host, '<redirector>');
});
beforeEach(resetAll);
afterAll(async () => {
	stopCapture();
	await Promise.all([double.close(), cdn.close(), redirector.close()]);
	await shutdownN8n();
});

// ---------------------------------------------------------------------------------------------
// Running the node
// ---------------------------------------------------------------------------------------------

function nodeParams(op: Op, options: IDataObject = {}): INodeParameters {
	return {
		provider: 'openAiCompatible',
		operation: op,
		model: 'nano-banana',
		prompt: '={{ $json.prompt }}',
		options: { responseFormat: 'b64_json', extraFields: '{"size": "64x64"}', concurrency: 1, ...options },
	};
}

function inputItems(op: Op, prompts: string[]): InputItem[] {
	return prompts.map((prompt) => (op === 'edit' ? { json: { prompt }, binary: INPUT.binary } : { json: { prompt } }));
}

/** The prompt a request carries, on every wire format (Images JSON or multipart, Gemini parts, chat messages). */
const promptOf = (r: RecordedRequest): string | undefined => {
	if (typeof r.json?.prompt === 'string') return r.json.prompt;
	if (r.fields?.prompt) return r.fields.prompt[0];
	const parts = (r.json?.contents as Array<{ parts?: Array<{ text?: unknown }> }> | undefined)?.[0]?.parts;
	if (parts && typeof parts[0]?.text === 'string') return parts[0].text;
	const content = (r.json?.messages as Array<{ content?: unknown }> | undefined)?.[0]?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content) && typeof content[0]?.text === 'string') return content[0].text as string;
	return undefined;
};

/** Scripted answers for the requests of one item only (by its prompt), in order. */
function forPrompt(prompt: string, responses: ScriptedResponse[]): ScriptedResponse[] {
	for (const response of responses) {
		const own = response.match;
		// In place: an answer may set its own headers from its match (see retry-after-date).
		response.match = (r: RecordedRequest) => promptOf(r) === prompt && (own?.(r) ?? true);
	}
	return responses;
}

const urlAnswer = (url: string): ScriptedResponse => ({ status: 200, body: { created: 1700000000, data: [{ url }] } });
const b64Answer = (bytes: Buffer | string): ScriptedResponse => ({
	status: 200,
	body: { created: 1700000000, data: [{ b64_json: typeof bytes === 'string' ? bytes : bytes.toString('base64') }] },
});

/** The key must appear nowhere in what a run produced: errors (every own field), items, run data. */
function expectNoKey(result: RunResult): void {
	searched.runs++;
	if (result.error) searched.errors++;
	searched.items += result.items.length;
	const text = serialiseDeep({ error: result.error, items: result.items.map((i) => ({ json: i.json, binary: Object.keys(i.binary) })), runData: result.runData, run: result.run });
	expect(text.includes(key)).toBe(false);
	for (const item of result.items) {
		if (item.json.error) expect(serialiseDeep(item.json)).not.toContain(key);
	}
}

/** Requests that went anywhere but the gateway's API carried no key (downloads, redirect hops). */
function expectNoKeyElsewhere(): void {
	for (const d of double.downloads) {
		searched.requestsToOthers++;
		expect(d.headers.authorization).toBeUndefined();
		expect(JSON.stringify(d.headers)).not.toContain(key);
	}
	for (const hit of [...cdn.hits, ...redirector.hits]) {
		searched.requestsToOthers++;
		expect(hit.authorization).toBeUndefined();
		expect(JSON.stringify(hit.headers)).not.toContain(key);
	}
}

const downloadsSeen = () => double.downloads.length + cdn.hits.length + redirector.hits.length;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

interface Observed {
	op: Op;
	result: RunResult;
	faulted: OutputItem[];
	requests: RecordedRequest[];
	/** ms between the faulted item's requests reaching the gateway. */
	gaps: number[];
}

interface FaultCase {
	id: string;
	/** What is injected, as the document says it. */
	fault: string;
	ops?: Op[];
	options?: IDataObject;
	/** Answers for the faulted item's requests, in order; later requests get normal answers. */
	script?: () => ScriptedResponse[];
	/** Queue answers on the CDN or the redirector. */
	arrange?: () => void;
	expect: {
		outcome: 'image' | 'text' | 'error';
		message?: RegExp;
		description?: RegExp;
		httpCode?: string | null;
		/** API requests the gateway saw for the faulted item. */
		requests: number;
		/** GETs for the image (file host, CDN, redirector). */
		downloads?: number;
		/** More checks on what was observed. */
		check?: (o: Observed) => void;
		/** What the document says instead of the default wording. */
		summary?: string;
	};
	/** Slow to fail: the Continue On Fail run alone shows the error (no second run without it). */
	slow?: boolean;
}

const html = (title: string, body: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}</body></html>`;
const png = encodePng(64, 64, 4242);
const minGap = (ms: number) => (o: Observed) => expect(Math.min(...o.gaps)).toBeGreaterThanOrEqual(ms);
const maxGap = (ms: number) => (o: Observed) => expect(Math.max(...o.gaps)).toBeLessThan(ms);

const cases: FaultCase[] = [
	// Retryable statuses
	{ id: 'http-429', fault: 'HTTP 429 once', script: () => [{ status: 429, headers: RA0 }], expect: { outcome: 'image', requests: 2 } },
	{ id: 'http-500', fault: 'HTTP 500 once', script: () => [{ status: 500, headers: RA0 }], expect: { outcome: 'image', requests: 2 } },
	{
		id: 'http-502-html',
		fault: "HTTP 502 with a proxy's HTML page, once",
		script: () => [{ status: 502, headers: { ...RA0, 'content-type': 'text/html' }, body: html('502 Bad Gateway', '<center>nginx</center>') }],
		expect: { outcome: 'image', requests: 2 },
	},
	{
		id: 'http-503',
		fault: 'HTTP 503 once (Retry-After: 0 is honoured: no backoff)',
		script: () => [{ status: 503, headers: RA0 }],
		expect: { outcome: 'image', requests: 2, check: maxGap(450) },
	},
	{ id: 'http-504', fault: 'HTTP 504 once', script: () => [{ status: 504, headers: RA0 }], expect: { outcome: 'image', requests: 2 } },
	{
		id: 'http-503-always',
		fault: 'HTTP 503 with the Chinese "upstream saturated" message, every time',
		script: () => [canned.saturated(503, 0), canned.saturated(503, 0), canned.saturated(503, 0), canned.saturated(503, 0)],
		expect: {
			outcome: 'error',
			message: /^OpenAI-Compatible Image Gateway answered 503: 当前分组上游负载已饱和，请稍后再试 \(in English: this account group's upstream is saturated; try again later\)$/,
			description: /Tried 3 times\.$/,
			httpCode: '503',
			requests: 3,
		},
	},
	{
		id: 'http-429-no-retries',
		fault: 'HTTP 429, every time',
		options: { maxRetries: 0 },
		script: () => [canned.saturated(429, 0), canned.saturated(429, 0)],
		expect: { outcome: 'error', message: /answered 429: 当前分组上游负载已饱和/, description: /rate limiting/, httpCode: '429', requests: 1 },
	},
	{
		id: 'http-503-four',
		fault: 'HTTP 503 four times',
		options: { maxRetries: 4 },
		script: () => Array.from({ length: 4 }, () => ({ status: 503, headers: RA0 })),
		expect: { outcome: 'image', requests: 5 },
	},
	// Statuses that are not retried
	...[
		{ status: 400, message: /answered 400: Invalid 'size': must be one of 1024x1024\.$/, body: () => ({ error: { message: "Invalid 'size': must be one of 1024x1024.", type: 'invalid_request_error' } }) },
		{ status: 401, message: /answered 401: Invalid token: \[redacted\]$/, body: () => ({ error: { message: `Invalid token: ${key}`, type: 'invalid_request_error' } }), note: ' quoting the API key back' },
		{ status: 403, message: /answered 403: 该令牌无权使用模型 nano-banana \(in English: API key has no access to model\)$/, body: () => ({ error: { message: '该令牌无权使用模型 nano-banana' } }) },
		{ status: 404, message: /answered 404: Invalid URL \(POST \/v1\/images\/generations\)$/, body: () => ({ error: { message: 'Invalid URL (POST /v1/images/generations)' } }) },
		{ status: 413, message: /answered 413: Request Entity Too Large$/, body: () => 'Request Entity Too Large' },
		{ status: 422, message: /answered 422: Unprocessable Entity \(scripted\)$/, body: () => undefined },
	].map(
		({ status, message, body, note }): FaultCase => ({
			id: `http-${status}`,
			fault: `HTTP ${status}${note ?? ''}`,
			script: () => [{ status, body: body(), headers: RA0 }],
			expect: { outcome: 'error', message, httpCode: String(status), requests: 1 },
		}),
	),
	// Waiting as the gateway asks
	{
		id: 'retry-after-seconds',
		fault: 'HTTP 503 once with Retry-After: 1',
		script: () => [{ status: 503, headers: { 'retry-after': '1' } }],
		expect: { outcome: 'image', requests: 2, check: minGap(1000), summary: 'image after 1 retry, sent at least 1 s later' },
	},
	{
		id: 'retry-after-date',
		fault: 'HTTP 429 once with Retry-After as an HTTP date 2.5 s ahead',
		script: () => {
			const answer: ScriptedResponse = { status: 429 };
			// The date is taken when the answer goes out, so the wait is 1.5 to 2.5 s.
			answer.match = () => {
				answer.headers = { 'retry-after': new Date(Date.now() + 2500).toUTCString() };
				return true;
			};
			return [answer];
		},
		expect: { outcome: 'image', requests: 2, check: minGap(1300), summary: 'image after 1 retry, sent after the date (over 1.3 s later, more than any first backoff)' },
	},
	// The transport
	{
		id: 'drop-connection',
		fault: 'connection closed before any answer (socket hang up), once',
		script: () => [{ dropConnection: true }],
		expect: { outcome: 'image', requests: 2, check: minGap(450) },
	},
	{ id: 'drop-mid-body', fault: 'connection dropped mid-body (half the JSON sent), once', script: () => [{ dropMidBody: true }], expect: { outcome: 'image', requests: 2 } },
	{
		id: 'drop-mid-body-always',
		fault: 'connection dropped mid-body, every time',
		options: { maxRetries: 1 },
		script: () => [{ dropMidBody: true }, { dropMidBody: true }],
		expect: { outcome: 'error', message: /^OpenAI-Compatible Image Gateway broke off its answer before it was complete$/, description: /Tried 2 times/, httpCode: null, requests: 2 },
		slow: true,
	},
	{
		id: 'slow-once',
		fault: 'slow answer (2.5 s) past the timeout (1 s), once',
		options: { timeout: 1 },
		script: () => [{ delayMs: 2500 }],
		expect: { outcome: 'image', requests: 2 },
	},
	{
		id: 'slow-always',
		fault: 'slow answer (2.5 s) past the timeout (1 s), every time',
		options: { timeout: 1, maxRetries: 1 },
		script: () => [{ delayMs: 2500 }, { delayMs: 2500 }],
		expect: { outcome: 'error', message: /^OpenAI-Compatible Image Gateway did not answer within 1 s$/, description: /Raise "Timeout \(Seconds\)".*Tried 2 times/, httpCode: null, requests: 2 },
		slow: true,
	},
	// Errors hidden in an HTTP 200, answers without an image
	{ id: 'busy-in-200', fault: 'HTTP 200 holding an error: "当前分组上游负载已饱和，请稍后再试", once', script: () => [canned.errorIn200()], expect: { outcome: 'image', requests: 2 } },
	{
		id: 'error-in-200',
		fault: 'HTTP 200 holding an error that is not "busy": "内容违规，请修改提示词"',
		script: () => [{ status: 200, body: { error: { message: '内容违规，请修改提示词', code: 'content_policy_violation' } } }],
		expect: { outcome: 'error', message: /reported an error: 内容违规，请修改提示词 \(in English: .*blocked by content policy.*\)$/, requests: 1 },
	},
	{
		id: 'code-in-200',
		fault: 'HTTP 200 with {"code": 503, "msg": "upstream overloaded"}, once',
		script: () => [{ status: 200, body: { code: 503, msg: 'upstream overloaded, try again later' } }],
		expect: { outcome: 'image', requests: 2 },
	},
	{ id: 'empty-data', fault: 'HTTP 200 with an empty data array, once', script: () => [canned.emptyData()], expect: { outcome: 'image', requests: 2 } },
	{
		id: 'text-only',
		fault: "text-only answer (the model's words, no image)",
		script: () => [canned.revisedPromptOnly()],
		expect: { outcome: 'error', message: /^The model answered with text instead of an image$/, description: /The model said: "I can describe a banana, but I did not draw one this time\."/, requests: 1 },
	},
	{
		id: 'text-only-output',
		fault: 'text-only answer',
		options: { onTextAnswer: 'output' },
		script: () => [canned.revisedPromptOnly()],
		expect: {
			outcome: 'text',
			requests: 1,
			check: (o) => expect(o.faulted[0].json).toMatchObject({ noImage: true, text: 'I can describe a banana, but I did not draw one this time.' }),
		},
	},
	{
		id: 'text-markdown',
		fault: 'text with a markdown image link instead of an image',
		script: () => [canned.markdownText(`${cdn.url}/markdown.png`)],
		expect: { outcome: 'image', requests: 1, downloads: 1, check: cdnBytes('/markdown.png') },
	},
	{
		id: 'text-quotes-key',
		fault: 'text-only answer quoting the API key back',
		options: { onTextAnswer: 'output' },
		script: () => [canned.revisedPromptOnly(`Request rejected for token ${key}.`)],
		expect: { outcome: 'text', requests: 1, check: (o) => expect(o.faulted[0].json.text).toBe('Request rejected for token [redacted].') },
	},
	// Bodies that are not what they claim
	{
		id: 'bad-json-once',
		fault: 'HTTP 200 with malformed JSON, once',
		script: () => [{ status: 200, body: '{"created": 1700000000, "data": [{"b64_json": "iVBOR' }],
		expect: { outcome: 'image', requests: 2 },
	},
	{
		id: 'bad-json',
		fault: 'HTTP 200 with malformed JSON',
		options: { maxRetries: 0 },
		script: () => [{ status: 200, body: '{"created": 1700000000, "data": [{"b64_json": "iVBOR' }],
		expect: { outcome: 'error', message: /^OpenAI-Compatible Image Gateway sent an answer that is not JSON$/, description: /It starts with: \{"created"/, requests: 1 },
	},
	{
		id: 'html-200',
		fault: "HTTP 200 with an HTML page (a proxy's sign-in page)",
		options: { maxRetries: 0 },
		script: () => [{ status: 200, headers: { 'content-type': 'text/html' }, body: html('Sign in - Gateway Console', 'Please sign in') }],
		expect: { outcome: 'error', message: /answered with a web page instead of JSON: Sign in - Gateway Console$/, requests: 1 },
	},
	{
		id: 'empty-200',
		fault: 'HTTP 200 with an empty body',
		options: { maxRetries: 0 },
		script: () => [{ status: 200, body: '' }],
		expect: { outcome: 'error', message: /sent an answer that is not JSON$/, description: /^The answer was empty\.$/, requests: 1 },
	},
	{
		id: 'bad-base64',
		fault: 'b64_json that is not base64',
		script: () => [b64Answer('iVBORw0KGgo%%%not-base64%%%')],
		expect: { outcome: 'error', message: /sent an image that is not valid base64$/, requests: 1 },
	},
	{
		id: 'not-an-image',
		fault: 'b64_json holding an HTML page, not an image',
		script: () => [b64Answer(Buffer.from(html('Error', 'quota exceeded')))],
		expect: { outcome: 'error', message: /sent an image that is not an image$/, description: /HTML/, requests: 1 },
	},
	{
		id: 'cut-image',
		fault: 'b64_json of a PNG cut in half (valid base64)',
		script: () => [b64Answer(png.subarray(0, png.length >> 1))],
		expect: { outcome: 'error', message: /sent an image that is cut short/, requests: 1 },
	},
	{
		id: 'bad-data-url',
		fault: 'data: URL that is not base64',
		script: () => [urlAnswer('data:image/png;base64,@@@@')],
		expect: { outcome: 'error', message: /sent a data: URL that is not valid base64$/, requests: 1 },
	},
	{ id: 'data-url', fault: 'data: URL answer (no download)', script: () => [urlAnswer(`data:image/png;base64,${png.toString('base64')}`)], expect: { outcome: 'image', requests: 1, downloads: 0 } },
	// Image links
	{
		id: 'url-expired',
		fault: 'image link expired (file host answers 404)',
		script: () => [urlAnswer(`${double.fileHostUrl}/files/expired-0123456789abcdef.png`)],
		expect: { outcome: 'error', message: /^Downloading the image from <file host> failed with 404$/, description: /expire within hours/, httpCode: '404', requests: 1, downloads: 1 },
	},
	{
		id: 'url-403',
		fault: 'image link refused (CDN answers 403)',
		arrange: () => cdn.enqueue(handlers.status(403, 'AccessDenied')),
		script: () => [urlAnswer(`${cdn.url}/img/403.png`)],
		expect: { outcome: 'error', message: /^Downloading the image from <cdn> failed with 403$/, description: /may have expired/, httpCode: '403', requests: 1, downloads: 1 },
	},
	{
		id: 'url-503',
		fault: 'image download answers 503, once',
		arrange: () => cdn.enqueue(handlers.status(503, 'busy', RA0)),
		script: () => [urlAnswer(`${cdn.url}/img/503.png`)],
		expect: { outcome: 'image', requests: 1, downloads: 2, summary: 'image after 1 download retry', check: cdnBytes('/img/503.png') },
	},
	{
		id: 'url-drop',
		fault: 'image download: connection closed without an answer, once',
		arrange: () => cdn.enqueue(handlers.drop()),
		script: () => [urlAnswer(`${cdn.url}/img/drop.png`)],
		expect: { outcome: 'image', requests: 1, downloads: 2, summary: 'image after 1 download retry', check: cdnBytes('/img/drop.png') },
	},
	{
		id: 'url-cut',
		fault: 'image download dropped mid-body, once',
		arrange: () => cdn.enqueue(handlers.cutMidBody()),
		script: () => [urlAnswer(`${cdn.url}/img/cut.png`)],
		expect: { outcome: 'image', requests: 1, downloads: 2, summary: 'image after 1 download retry', check: cdnBytes('/img/cut.png') },
	},
	{
		id: 'url-slow',
		fault: 'image download slower (2.5 s) than the timeout (1 s), once',
		options: { timeout: 1 },
		arrange: () => cdn.enqueue(handlers.slow(2500)),
		script: () => [urlAnswer(`${cdn.url}/img/slow.png`)],
		expect: { outcome: 'image', requests: 1, downloads: 2, summary: 'image after 1 download retry', check: cdnBytes('/img/slow.png') },
	},
	{
		id: 'url-redirect',
		fault: 'image link redirects (302) to the file host',
		arrange: () => {
			double.files.set('moved.png', { bytes: png, contentType: 'image/png' });
			redirector.enqueue(handlers.redirect((p) => `${double.fileHostUrl}${p}`));
		},
		script: () => [urlAnswer(`${redirector.url}/files/moved.png`)],
		expect: {
			outcome: 'image',
			requests: 1,
			downloads: 2,
			summary: 'image; no Authorization header at the redirector or the file host',
			check: (o) => {
				expect(redirector.hits).toHaveLength(1);
				expect(double.downloads).toHaveLength(1);
				expect(double.downloads[0].path).toBe('/files/moved.png');
				expect(o.faulted[0].binary.data.bytes.equals(png)).toBe(true);
			},
		},
	},
	{
		id: 'url-file',
		fault: 'image link with file: scheme',
		script: () => [urlAnswer('file:///etc/passwd')],
		expect: { outcome: 'error', message: /^The image link uses file:, which the node does not follow$/, requests: 1, downloads: 0 },
	},
	{
		id: 'url-ftp',
		fault: 'image link with ftp: scheme',
		script: () => [urlAnswer('ftp://files.example.com/banana.png')],
		expect: { outcome: 'error', message: /^The image link uses ftp:, which the node does not follow$/, requests: 1, downloads: 0 },
	},
	{
		id: 'url-garbage',
		fault: 'image link that is not a URL',
		script: () => [urlAnswer('see attachment')],
		expect: { outcome: 'error', message: /answered with an image link that is not a URL$/, requests: 1, downloads: 0 },
	},
];

function cdnBytes(cdnPath: string) {
	return (o: Observed) => expect(o.faulted[0].binary.data.bytes.equals(cdnImage(cdnPath))).toBe(true);
}

function optionsText(options: IDataObject | undefined): string {
	const parts = Object.entries(options ?? {}).map(([k, v]) => {
		const label = { maxRetries: 'Max Retries', timeout: 'Timeout', onTextAnswer: 'On Text-Only Answer' }[k] ?? k;
		return `${label} ${k === 'timeout' ? `${String(v)} s` : String(v)}`;
	});
	return parts.join(', ');
}

function outcomeText(c: FaultCase, requests: number, error?: { message: string; description?: string | null }): string {
	if (c.expect.summary) return c.expect.summary;
	if (c.expect.outcome === 'text') return `text item (\`noImage: true\`), ${requests > 1 ? `after ${plural(requests - 1, 'retry', 'retries')}` : 'no retry'}`;
	if (c.expect.outcome === 'image') return requests > 1 ? `image after ${plural(requests - 1, 'retry', 'retries')}` : 'image, no retry';
	const tried = /Tried (\d+) times/.exec(error?.description ?? '');
	return `error "${names.apply(error?.message ?? '')}"${tried ? `, tried ${tried[1]} times` : ', no retry'}`;
}

function faultedRequests(): RecordedRequest[] {
	return double.requests.filter((r) => promptOf(r) === FAULTED);
}

function gapsOf(requests: RecordedRequest[]): number[] {
	const times = requests.map((r) => arrivals.get(r) ?? NaN);
	return times.slice(1).map((t, i) => t - times[i]);
}

function arrange(c: FaultCase): void {
	c.arrange?.();
	double.enqueue(...forPrompt(FAULTED, c.script?.() ?? []));
}

async function runCase(c: FaultCase, op: Op): Promise<void> {
	// With Continue On Fail: the faulted item and a clean one.
	arrange(c);
	const result = await runNanoBanana(double, nodeParams(op, c.options), { items: inputItems(op, [FAULTED, CLEAN]), continueOnFail: true });
	expectNoKey(result);
	expectNoKeyElsewhere();
	expect(result.status).toBe('success');
	const faulted = result.items.filter((i) => (i.pairedItem as { item: number }).item === 0);
	const clean = result.items.filter((i) => (i.pairedItem as { item: number }).item === 1);
	expect(result.items).toEqual([...faulted, ...clean]);
	// The clean neighbour: one image, its own, untouched by the fault.
	expect(clean).toHaveLength(1);
	expect(clean[0].json).toMatchObject({ prompt: CLEAN, width: 64, height: 64 });
	expect(readImageSize(clean[0].binary.data.bytes)).toMatchObject({ width: 64, height: 64 });
	expect(double.requests.filter((r) => promptOf(r) === CLEAN)).toHaveLength(1);

	const requests = faultedRequests();
	const observed: Observed = { op, result, faulted, requests, gaps: gapsOf(requests) };
	expect(faulted).toHaveLength(1);
	const [item] = faulted;
	if (c.expect.outcome === 'image') {
		expect(item.json.error).toBeUndefined();
		expect(item.json.prompt).toBe(FAULTED);
		expect(readImageInfoOf(item)).toBeDefined();
	} else if (c.expect.outcome === 'text') {
		expect(item.json.noImage).toBe(true);
		expect(item.binary).toEqual({});
	} else {
		expect(item.binary).toEqual({});
		expect(names.apply(String(item.json.error))).toMatch(c.expect.message as RegExp);
		if (c.expect.description) expect(String(item.json.description)).toMatch(c.expect.description);
		if (c.expect.httpCode) expect(item.json.httpCode).toBe(c.expect.httpCode);
	}
	expect(requests).toHaveLength(c.expect.requests);
	expect(downloadsSeen()).toBe(c.expect.downloads ?? 0);
	if (op === 'edit') {
		// Every attempt sends the whole input image again (a fresh multipart body each time).
		for (const r of requests) {
			expect(r.files?.map((f) => f.field)).toEqual(['image']);
			expect(r.files?.[0].bytes.equals(INPUT_BYTES)).toBe(true);
		}
	}
	c.expect.check?.(observed);
	const errorItem = c.expect.outcome === 'error' ? { message: String(item.json.error), description: item.json.description as string | undefined } : undefined;

	// Without Continue On Fail, an error stops the node with that very error.
	if (c.expect.outcome === 'error' && !c.slow) {
		resetAll();
		arrange(c);
		const stopped = await runNanoBanana(double, nodeParams(op, c.options), { items: inputItems(op, [FAULTED]) });
		expectNoKey(stopped);
		expectNoKeyElsewhere();
		expect(stopped.status).toBe('error');
		expect(stopped.items).toHaveLength(0);
		expect(stopped.error?.name).toBe('NodeApiError');
		expect(stopped.error?.message).toBe(errorItem?.message);
		expect(stopped.error?.description ?? undefined).toBe(errorItem?.description);
		expect((stopped.error?.context as { itemIndex?: number }).itemIndex).toBe(0);
		expect(faultedRequests()).toHaveLength(c.expect.requests);
	}

	rows.set(`${c.id}:${op}`, {
		section: 'item',
		fault: names.apply(c.fault),
		operation: op,
		options: optionsText(c.options),
		outcome: outcomeText(c, requests.length, errorItem),
		requests: String(requests.length),
		downloads: String(c.expect.downloads ?? 0),
		continueOnFail: 'clean item: its image',
	});
}

function readImageInfoOf(item: OutputItem) {
	return readImageSize(item.binary.data?.bytes ?? Buffer.alloc(0));
}

for (const c of cases) for (const op of c.ops ?? OPS) expectedRows.push(`${c.id}:${op}`);

describe.each(OPS)('%s, one fault at a time', (op) => {
	test.each(cases.filter((c) => (c.ops ?? OPS).includes(op)).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
		await runCase(c, op);
	});
});

// ---------------------------------------------------------------------------------------------
// Every route: the same kinds of faults on Google's Gemini API and on chat completions
// ---------------------------------------------------------------------------------------------

interface RouteFault {
	id: string;
	fault: string;
	options?: IDataObject;
	script: () => ScriptedResponse[];
	expect: { outcome: 'image' | 'error'; message?: RegExp; requests: number; downloads?: number };
}

const ROUTES = [
	{ id: 'google', name: 'Google Gemini API', provider: 'google', model: 'gemini-2.5-flash-image', credential: {} },
	{ id: 'openRouter', name: 'OpenRouter', provider: 'openRouter', model: 'google/gemini-2.5-flash-image', credential: {} },
	{ id: 'chat', name: 'gateway chat completions', provider: 'openAiCompatible', model: 'gemini-3-pro-image-preview', credential: { endpoint: 'chatCompletions' } },
] as const;

const googleBody = (code: number, status: string, message: string, details?: unknown[]) => ({ error: { code, message, status, ...(details ? { details } : {}) } });
const chatWords = (content: string): ScriptedResponse => ({ status: 200, body: { choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] } });
const geminiWords = (text: string): ScriptedResponse => ({ status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }] } });
const dataUrl = () => `data:image/png;base64,${encodePng(48, 32, 5).toString('base64')}`;

function routeFaults(route: (typeof ROUTES)[number]): RouteFault[] {
	const google = route.id === 'google';
	const overloaded = (): ScriptedResponse =>
		google
			? { status: 503, body: googleBody(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') }
			: { status: 503, headers: RA0, body: { error: { code: 503, message: 'The model is overloaded. Please try again later.' } } };
	const faults: RouteFault[] = [
		{
			id: 'rate-limited',
			fault: google ? '429 RESOURCE_EXHAUSTED with RetryInfo 0s, once' : '429 rate limited, once',
			script: () => [
				google
					? { status: 429, body: googleBody(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' }]) }
					: { status: 429, headers: RA0, body: { error: { code: 429, message: 'Rate limit exceeded: google/gemini-2.5-flash-image' } } },
			],
			expect: { outcome: 'image', requests: 2 },
		},
		{
			id: 'overloaded',
			fault: '503 "The model is overloaded", every time',
			options: { maxRetries: 1 },
			script: () => [overloaded(), overloaded()],
			expect: { outcome: 'error', message: /answered 503: The model is overloaded\. Please try again later\./, requests: 2 },
		},
		{
			id: 'safety',
			fault: google ? 'finishReason IMAGE_SAFETY, no image' : 'finish_reason content_filter, no image',
			script: () => [
				google
					? { status: 200, body: { candidates: [{ finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }] } }
					: { status: 200, body: { choices: [{ index: 0, finish_reason: 'content_filter', message: { role: 'assistant', content: '' } }] } },
			],
			expect: { outcome: 'error', message: google ? /made no image: IMAGE_SAFETY/ : /made no image: content_filter/, requests: 1 },
		},
		{
			id: 'markdown',
			fault: 'the image as a markdown link in the text',
			script: () => [(google ? geminiWords : chatWords)(`Here you go: ![image](${cdn.url}/route-${route.id}.png)`)],
			expect: { outcome: 'image', requests: 1, downloads: 1 },
		},
		{
			id: 'data-url',
			fault: 'the image as a data URL in the text',
			script: () => [(google ? geminiWords : chatWords)(`Here you go: ${dataUrl()}`)],
			expect: { outcome: 'image', requests: 1 },
		},
	];
	if (google) {
		faults.splice(3, 0, {
			id: 'block-reason',
			fault: 'promptFeedback.blockReason SAFETY (prompt blocked)',
			script: () => [{ status: 200, body: { promptFeedback: { blockReason: 'SAFETY' } } }],
			expect: { outcome: 'error', message: /made no image: prompt blocked \(SAFETY\)/, requests: 1 },
		});
	}
	return faults;
}

const routeCases = ROUTES.flatMap((route) => routeFaults(route).map((f) => ({ route, f })));
for (const { route, f } of routeCases) expectedRows.push(`route-${route.id}-${f.id}:generate`);

describe('every route, one fault at a time', () => {
	test.each(routeCases.map((c) => [`${c.route.id} ${c.f.id}`, c] as const))('%s', async (_id, { route, f }) => {
		double.enqueue(...forPrompt(FAULTED, f.script()));
		const params: INodeParameters = { provider: route.provider, operation: 'generate', model: route.model, prompt: '={{ $json.prompt }}', options: { concurrency: 1, ...f.options } };
		const result = await runNanoBanana(double, params, { items: inputItems('generate', [FAULTED, CLEAN]), continueOnFail: true, credential: { ...route.credential } });
		expectNoKey(result);
		expectNoKeyElsewhere();
		const faulted = result.items.filter((i) => (i.pairedItem as { item: number }).item === 0);
		const clean = result.items.filter((i) => (i.pairedItem as { item: number }).item === 1);
		expect(clean).toHaveLength(1);
		expect(readImageInfoOf(clean[0])).toBeDefined();
		expect(faulted).toHaveLength(1);
		const [item] = faulted;
		if (f.expect.outcome === 'image') {
			expect(item.json.error).toBeUndefined();
			expect(readImageInfoOf(item)).toBeDefined();
		} else {
			expect(item.binary).toEqual({});
			expect(String(item.json.error)).toMatch(f.expect.message as RegExp);
		}
		const requests = faultedRequests();
		expect(requests).toHaveLength(f.expect.requests);
		expect(downloadsSeen()).toBe(f.expect.downloads ?? 0);
		const error = f.expect.outcome === 'error' ? { message: String(item.json.error), description: item.json.description as string | undefined } : undefined;
		rows.set(`route-${route.id}-${f.id}:generate`, {
			section: 'route',
			fault: `${route.name}: ${f.fault}`,
			operation: 'generate',
			options: optionsText(f.options),
			outcome: outcomeText({ id: f.id, fault: f.fault, expect: { outcome: f.expect.outcome, requests: f.expect.requests } }, requests.length, error),
			requests: String(requests.length),
			downloads: String(f.expect.downloads ?? 0),
			continueOnFail: 'clean item: its image',
		});
	});
});

// ---------------------------------------------------------------------------------------------
// The whole gateway: refused connections, a redirected API call
// ---------------------------------------------------------------------------------------------

/** Counts the connections the node opens to a port (Node's http.Agent makes every one). */
function watchConnections(port: number, onRefused?: () => void): { attempts: () => number; restore: () => void } {
	let attempts = 0;
	const original = http.Agent.prototype.createConnection;
	const spy = jest.spyOn(http.Agent.prototype, 'createConnection').mockImplementation(function (this: http.Agent, ...args: unknown[]) {
		const socket = (original as unknown as (...a: unknown[]) => net.Socket).apply(this, args);
		const options = args[0] as { port?: number | string };
		if (Number(options?.port) === port) {
			attempts++;
			socket.once('error', (e: NodeJS.ErrnoException) => {
				if (e.code === 'ECONNREFUSED') onRefused?.();
			});
		}
		return socket;
	});
	return { attempts: () => attempts, restore: () => spy.mockRestore() };
}

function gatewayRow(id: string, op: Op, fields: Omit<FigureRow, 'section' | 'operation' | 'continueOnFail'>): void {
	rows.set(`${id}:${op}`, { section: 'item', operation: op, continueOnFail: 'n/a: whole gateway', ...fields });
}

const gatewayCases = ['refused', 'refused-then-up', 'api-redirect'];
for (const id of gatewayCases) for (const op of OPS) expectedRows.push(`${id}:${op}`);

describe.each(OPS)('%s, the whole gateway', (op) => {
	test('connection refused, every time', async () => {
		const port = await closedPort();
		names.set(`127.0.0.1:${port}`, '<closed port>');
		const watch = watchConnections(port);
		try {
			const result = await runNanoBanana(double, nodeParams(op, { maxRetries: 1 }), {
				items: inputItems(op, [FAULTED]),
				credential: { baseUrl: `http://127.0.0.1:${port}/openai` },
			});
			expectNoKey(result);
			expect(result.status).toBe('error');
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toBe(`Could not reach OpenAI-Compatible Image Gateway at 127.0.0.1:${port} (ECONNREFUSED)`);
			expect(result.error?.description).toMatch(/Check the base URL.*Tried 2 times\.$/);
			expect(watch.attempts()).toBe(2);
			gatewayRow('refused', op, {
				fault: 'connection refused (nothing listens at the base URL), every time',
				options: 'Max Retries 1',
				outcome: `error "${names.apply(result.error?.message ?? '')}", tried 2 times`,
				requests: `0 (${watch.attempts()} connection attempts)`,
				downloads: '0',
			});
		} finally {
			watch.restore();
		}
	});

	test('connection refused, then the gateway comes up', async () => {
		const port = await closedPort();
		let up: Awaited<ReturnType<typeof forwarder>> | undefined;
		let starting: Promise<void> | undefined;
		const watch = watchConnections(port, () => {
			starting ??= forwarder(port, double.url).then((f) => {
				up = f;
			});
		});
		try {
			const result = await runNanoBanana(double, nodeParams(op), { items: inputItems(op, [FAULTED]), credential: { baseUrl: `http://127.0.0.1:${port}/openai` } });
			expectNoKey(result);
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(readImageInfoOf(result.items[0])).toMatchObject({ width: 64, height: 64 });
			expect(watch.attempts()).toBe(2);
			expect(faultedRequests()).toHaveLength(1);
			gatewayRow('refused-then-up', op, {
				fault: 'connection refused once, then the gateway comes up',
				options: '',
				outcome: 'image after 1 retry',
				requests: `1 (${watch.attempts()} connection attempts)`,
				downloads: '0',
			});
		} finally {
			watch.restore();
			await starting;
			await up?.close();
		}
	});

	test('the API call is redirected (307) to another origin: the key does not follow', async () => {
		redirector.enqueue(handlers.redirect((p) => `${double.url}${p}`, 307));
		const result = await runNanoBanana(double, nodeParams(op), { items: inputItems(op, [FAULTED]), credential: { baseUrl: `${redirector.url}/openai` } });
		expectNoKey(result);
		// The redirector is the configured base URL: it gets the key. The other origin must not.
		expect(redirector.hits).toHaveLength(1);
		expect(redirector.hits[0].authorization).toBe(`Bearer ${key}`);
		expect(double.requests).toHaveLength(1);
		expect(double.requests[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(double.requests[0].headers)).not.toContain(key);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('OpenAI-Compatible Image Gateway answered 401: Invalid API key provided');
		gatewayRow('api-redirect', op, {
			fault: 'the API call is redirected (307) to another origin',
			options: '',
			outcome: `error "${names.apply(result.error?.message ?? '')}": the other origin got no key`,
			requests: '1 at the base URL, 1 at the other origin (no Authorization)',
			downloads: '0',
		});
	});
});

// ---------------------------------------------------------------------------------------------
// Batches: 429 storms, the batch-wide pause, cancellation
// ---------------------------------------------------------------------------------------------

const batchIds = ['429-storm', '429-storm-outlasts', '429-storm-shrinking', '429-over-the-limit', '429-pause', 'cancel-backoff', 'cancel-backoff-cof', 'cancel-download'];
for (const id of batchIds) expectedRows.push(`${id}:generate`);

function batchRow(id: string, fields: Omit<FigureRow, 'section' | 'operation'>): void {
	rows.set(`${id}:generate`, { section: 'batch', operation: 'generate', ...fields });
}

const poster = (i: number) => `Poster ${i}: a banana in the style of a travel poster`;

describe('batches', () => {
	test('a 429 storm that clears: every item gets two 429s, then its image', async () => {
		const prompts = [0, 1, 2, 3, 4].map(poster);
		for (const p of prompts) double.enqueue(...forPrompt(p, [canned.saturated(429, 0), canned.saturated(429, 0)]));
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 5 }), { items: inputItems('generate', prompts) });
		expectNoKey(result);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(result.items.map((i) => i.pairedItem)).toEqual(prompts.map((_p, item) => ({ item })));
		for (const p of prompts) expect(double.requests.filter((r) => promptOf(r) === p)).toHaveLength(3);
		expect(double.requests).toHaveLength(15);
		batchRow('429-storm', {
			fault: 'a 429 storm that clears: each of 5 items gets 429 twice (Concurrency 5)',
			options: 'Concurrency 5',
			outcome: '5 images, in order, each after 2 retries',
			requests: String(double.requests.length),
			downloads: '0',
			continueOnFail: 'off',
		});
	});

	test('a 429 storm that outlasts the retries for two items: the others come through', async () => {
		// Concurrency 1: every 429 is the gateway's own limit (the batch cannot shrink below one
		// request), so each counts against Max Retries (2): three tries, then the item fails.
		const prompts = [0, 1, 2, 3].map(poster);
		for (const i of [1, 3]) double.enqueue(...forPrompt(prompts[i], Array.from({ length: 4 }, () => canned.saturated(429, 0))));
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 1 }), { items: inputItems('generate', prompts), continueOnFail: true });
		expectNoKey(result);
		expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(result.items.map((i) => (i.json.error ? 'error' : 'image'))).toEqual(['image', 'error', 'image', 'error']);
		for (const i of [1, 3]) {
			expect(result.items[i].json.error).toMatch(/answered 429: 当前分组上游负载已饱和/);
			expect(result.items[i].json.description).toMatch(/Tried 3 times/);
			expect(double.requests.filter((r) => promptOf(r) === prompts[i])).toHaveLength(3);
		}
		expect(double.requests).toHaveLength(8);
		batchRow('429-storm-outlasts', {
			fault: 'a 429 storm that outlasts the retries for items 1 and 3 of 4 (Concurrency 1)',
			options: 'Concurrency 1',
			outcome: 'items 0 and 2: their images; items 1 and 3: error "answered 429 ...", tried 3 times',
			requests: `${double.requests.length} (3 + 3 for the failed items, 1 + 1 for the others)`,
			downloads: '0',
			continueOnFail: 'on: 4 items out, in order',
		});
	});

	test('a 429 storm at Concurrency 4: 429s while the batch shrinks are free, the rest count', async () => {
		// The gateway turns items 1 and 3 away for good. While the batch's limit can still shrink,
		// a 429 may be the batch's own doing and costs no retry; once it is down to one request,
		// they count: each failing item is tried more than 3 times, but never forever.
		const prompts = [0, 1, 2, 3].map(poster);
		for (const i of [1, 3]) double.enqueue(...forPrompt(prompts[i], Array.from({ length: 30 }, () => canned.saturated(429, 0))));
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 4 }), { items: inputItems('generate', prompts), continueOnFail: true });
		expectNoKey(result);
		expect(result.items.map((i) => (i.json.error ? 'error' : 'image'))).toEqual(['image', 'error', 'image', 'error']);
		const tries = [1, 3].map((i) => double.requests.filter((r) => promptOf(r) === prompts[i]).length);
		for (const [k, i] of [1, 3].entries()) {
			expect(result.items[i].json.description).toContain(`Tried ${tries[k]} times`);
			expect(tries[k]).toBeGreaterThan(3);
			expect(tries[k]).toBeLessThanOrEqual(3 + 10);
		}
		batchRow('429-storm-shrinking', {
			fault: 'a 429 storm that never ends for items 1 and 3 of 4 (Concurrency 4)',
			options: 'Concurrency 4',
			outcome: 'items 0 and 2: their images; items 1 and 3: error "answered 429 ...", tried more than 3 times: the 429s drawn while the batch shrank to 1 request were free, the 3 after that counted',
			requests: '2 + the tries of items 1 and 3 (at most 13 each)',
			downloads: '0',
			continueOnFail: 'on: 4 items out, in order',
		});
	});

	test('Concurrency 20 against a gateway that takes 6 requests in flight: every image, the batch finds the limit', async () => {
		const prompts = Array.from({ length: 24 }, (_v, i) => poster(i));
		double.settings.maxInFlight = 6;
		double.settings.latencyMs = 100;
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 20 }), { items: inputItems('generate', prompts) });
		expectNoKey(result);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(result.items.every((i) => i.binary?.data)).toBe(true);
		expect(double.limit.peak).toBe(6);
		expect(double.limit.rejected).toBeGreaterThan(0);
		batchRow('429-over-the-limit', {
			fault: 'a gateway that takes 6 requests in flight and answers 429 (Retry-After: 1) above that; 24 items',
			options: 'Concurrency 20',
			outcome: '24 images in order; the 429s of the first wave shrink the batch to the 6 the gateway took, none counts against Max Retries',
			requests: '24, plus the 429s of the first wave and of later probes',
			downloads: '0',
			continueOnFail: 'off',
		});
	});

	test('a 429 with Retry-After: 1 holds back the whole batch, not only its item', async () => {
		// Concurrency 2: items 0 and 1 start together. Item 0 gets 429 (Retry-After: 1); item 1
		// takes 200 ms; item 2 would start then, but must wait for the pause to end.
		const prompts = [0, 1, 2, 3].map(poster);
		double.enqueue(...forPrompt(prompts[0], [{ status: 429, headers: { 'retry-after': '1' } }]));
		double.enqueue(...forPrompt(prompts[1], [{ delayMs: 200 }]));
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 2 }), { items: inputItems('generate', prompts) });
		expectNoKey(result);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(prompts);
		const first = (p: string) => arrivals.get(double.requests.find((r) => promptOf(r) === p) as RecordedRequest) as number;
		expect(first(prompts[2]) - first(prompts[0])).toBeGreaterThanOrEqual(950);
		expect(double.requests).toHaveLength(5);
		batchRow('429-pause', {
			fault: 'HTTP 429 with Retry-After: 1 for item 0 of 4 (Concurrency 2)',
			options: 'Concurrency 2',
			outcome: '4 images in order; item 2 started only after the pause (no request in the second after the 429)',
			requests: String(double.requests.length),
			downloads: '0',
			continueOnFail: 'off',
		});
	});

	/** Cancels 100 ms after the first answer; returns the requests the gateway had seen by then. */
	const cancelCase = async (items: number, continueOnFail: boolean, status: 429 | 503) => {
		const controller = new AbortController();
		const prompts = Array.from({ length: items }, (_v, i) => poster(i));
		let atCancel = -1;
		double.enqueue({
			status,
			headers: { 'retry-after': '30' },
			match: () => {
				setTimeout(() => {
					atCancel = double.requests.length;
					controller.abort();
				}, 100);
				return true;
			},
		});
		const started = Date.now();
		const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 1 }), { items: inputItems('generate', prompts), continueOnFail, signal: controller.signal });
		const took = Date.now() - started;
		expectNoKey(result);
		expect(result.status).toBe('canceled');
		expect(took).toBeLessThan(5000);
		// Nothing more reaches the gateway: no retry, no other item.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(double.requests).toHaveLength(atCancel);
		return atCancel;
	};

	test('cancelled while waiting out Retry-After: 30: ends at once, no further request', async () => {
		expect(await cancelCase(1, false, 503)).toBe(1);
		batchRow('cancel-backoff', {
			fault: 'execution cancelled while the node waits out a 503 with Retry-After: 30',
			options: '',
			outcome: 'run ends `canceled` within 5 s (not 30 s)',
			requests: '1, and none after the cancel',
			downloads: '0',
			continueOnFail: 'off',
		});
	});

	test('cancelled while the batch waits out a 429 (Retry-After: 30), Continue On Fail: nothing more is sent', async () => {
		// The 429 pauses the whole batch: item 1 waits for the pause, item 2 for a slot.
		expect(await cancelCase(3, true, 429)).toBe(1);
		batchRow('cancel-backoff-cof', {
			fault: 'execution cancelled while 3 items wait out a 429 with Retry-After: 30 (Concurrency 1)',
			options: 'Concurrency 1',
			outcome: 'run ends `canceled` within 5 s; items 1 and 2 are never sent',
			requests: '1, and none after the cancel',
			downloads: '0',
			continueOnFail: 'on',
		});
	});

	test('cancelled during a hung image download: the download is dropped at once', async () => {
		const controller = new AbortController();
		cdn.enqueue((req, res, hit) => {
			handlers.hang()(req, res, hit);
			setTimeout(() => controller.abort(), 100);
		});
		double.enqueue(urlAnswer(`${cdn.url}/img/hung.png`));
		const started = Date.now();
		const result = await runNanoBanana(double, nodeParams('generate'), { items: inputItems('generate', [FAULTED]), signal: controller.signal });
		expectNoKey(result);
		expect(result.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(5000);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(cdn.hits).toHaveLength(1);
		const hit = cdn.hits[0];
		expect(hit.closedAt).toBeDefined();
		expect((hit.closedAt as number) - hit.at).toBeLessThan(1500);
		batchRow('cancel-download', {
			fault: 'execution cancelled while an image download hangs (default 180 s timeout)',
			options: '',
			outcome: 'run ends `canceled`; the download connection is closed at once',
			requests: '1',
			downloads: '1, closed on cancel',
			continueOnFail: 'off',
		});
	});
});

// ---------------------------------------------------------------------------------------------
// Timeouts the node sets
// ---------------------------------------------------------------------------------------------

describe('timeouts', () => {
	const socketTimeouts = async (params: INodeParameters): Promise<number[]> => {
		const seen: number[] = [];
		const original = net.Socket.prototype.setTimeout;
		const spy = jest.spyOn(net.Socket.prototype, 'setTimeout').mockImplementation(function (this: net.Socket, ms: number, ...rest: unknown[]) {
			if (ms > 0) seen.push(ms);
			return (original as (...a: unknown[]) => net.Socket).call(this, ms, ...rest);
		});
		try {
			const result = await runNanoBanana(double, params, { items: inputItems('generate', [FAULTED]) });
			expect(result.error).toBeUndefined();
		} finally {
			spy.mockRestore();
		}
		return seen;
	};

	test.each([
		{ name: 'default, up to 2K: 180 s', resolution: '2K', model: 'nano-banana-pro', timeout: undefined, ms: 180_000 },
		{ name: 'default, 4K: 600 s', resolution: '4K', model: 'nano-banana-pro', timeout: undefined, ms: 600_000 },
		{ name: 'default, a 4K model alias: 600 s', resolution: 'auto', model: 'nano-banana-pro-4k', timeout: undefined, ms: 600_000 },
		{ name: 'set in the options: 42 s', resolution: '4K', model: 'nano-banana-pro', timeout: 42, ms: 42_000 },
	])('$name', async ({ resolution, model, timeout, ms }) => {
		const params = { ...nodeParams('generate', timeout === undefined ? {} : { timeout }), model, resolution };
		const seen = await socketTimeouts(params);
		expect(seen).toContain(ms);
		expect(seen).not.toContain(ms === 600_000 ? 180_000 : 600_000);
	});
});

// ---------------------------------------------------------------------------------------------
// Load: 200 items, 10% seeded random retryable faults
// ---------------------------------------------------------------------------------------------

const LOAD_SEED = 20261121;
const LOAD_ITEMS = 200;
const LOAD_FAULTS: Array<{ name: string; response: () => ScriptedResponse }> = [
	{ name: '429', response: () => canned.saturated(429, 0) },
	{ name: '500', response: () => ({ status: 500, headers: RA0 }) },
	{ name: '502', response: () => ({ status: 502, headers: RA0 }) },
	{ name: '503', response: () => canned.saturated(503, 0) },
	{ name: '504', response: () => ({ status: 504, headers: RA0 }) },
	{ name: 'connection dropped', response: () => ({ dropConnection: true }) },
	{ name: 'cut mid-body', response: () => ({ dropMidBody: true }) },
	{ name: '"busy" inside a 200', response: () => canned.errorIn200() },
];

test('load: 200 items, 10% seeded random retryable faults, Concurrency 10', async () => {
	const random = seededRandom(LOAD_SEED);
	const prompts = Array.from({ length: LOAD_ITEMS }, (_v, i) => `Load item ${i}: a banana, variation ${i}`);
	// Exactly 10% of the items, picked by a seeded shuffle; the kinds of fault take turns.
	const order = prompts.map((_p, i) => i);
	for (let i = order.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	const faults = new Map<number, string>();
	order.slice(0, LOAD_ITEMS / 10).forEach((i, n) => {
		const fault = LOAD_FAULTS[n % LOAD_FAULTS.length];
		faults.set(i, fault.name);
		double.enqueue(...forPrompt(prompts[i], [fault.response()]));
	});
	const result = await runNanoBanana(double, nodeParams('generate', { concurrency: 10 }), { items: inputItems('generate', prompts) });
	expectNoKey(result);
	expect(result.error).toBeUndefined();
	// Every item: exactly one image, in input order, paired with its input item.
	expect(result.items).toHaveLength(LOAD_ITEMS);
	result.items.forEach((item, i) => {
		expect(item.pairedItem).toEqual({ item: i });
		expect(item.json.prompt).toBe(prompts[i]);
		expect(readImageInfoOf(item)).toMatchObject({ width: 64, height: 64 });
	});
	const hashes = new Set(result.items.map((i) => createHash('sha256').update(i.binary.data.bytes).digest('hex')));
	expect(hashes.size).toBe(LOAD_ITEMS);
	// Requests: one per item, one more for each faulted item, none else.
	prompts.forEach((p, i) => expect(double.requests.filter((r) => promptOf(r) === p)).toHaveLength(faults.has(i) ? 2 : 1));
	expect(double.requests).toHaveLength(LOAD_ITEMS + faults.size);

	const byKind = LOAD_FAULTS.map((f) => `${f.name}: ${[...faults.values()].filter((n) => n === f.name).length}`).join(', ');
	loadFigures = [
		`${LOAD_ITEMS} generate items, Concurrency 10, Max Retries 2; the first request of 10% of the items (${faults.size}, picked by a shuffle seeded with ${LOAD_SEED}, mulberry32) gets a retryable fault.`,
		`Faults injected: ${byKind}; faulted items: ${[...faults.keys()].sort((a, b) => a - b).join(', ')}.`,
		`Outcome: ${result.items.length} items out, each with exactly one image (${hashes.size} distinct), in input order, each with \`pairedItem\` = its input item.`,
		`Requests the gateway saw: ${double.requests.length} (${LOAD_ITEMS} + ${faults.size} retries).`,
	];
});

// ---------------------------------------------------------------------------------------------
// The key in n8n's log, and the document
// ---------------------------------------------------------------------------------------------

test('the API key is in no log line and no console output', () => {
	expect(logLines.length).toBeGreaterThan(0);
	for (const line of logLines) expect(line.includes(key)).toBe(false);
	for (const line of consoleLines) expect(line.includes(key)).toBe(false);
});

test('docs/reliability.md is what this run observed', () => {
	const missing = expectedRows.filter((id) => !rows.has(id));
	if (missing.length > 0 || loadFigures.length === 0) {
		// A partial run (a filter, or failures above): nothing to write.
		if (process.env.CI) throw new Error(`Fault cases did not complete: ${missing.join(', ') || 'load'}`);
		return;
	}
	const secrets = [
		`Searched for the key: every error's full serialised form (every own field, \`messages\`, \`context\`), every output item, the run data, every n8n log line at level debug, and all console output, over ${searched.runs} runs. Found: nowhere.`,
		'Gateways that quote the key back (a 401 body, a text answer) have it replaced with `[redacted]`.',
		'No request other than to the gateway API carried an `Authorization` header: image downloads, redirect hops, and an API call redirected to another origin (n8n would otherwise send the key along).',
	];
	const ordered = expectedRows.map((id) => rows.get(id) as FigureRow);
	const text = renderReliability(ordered, { load: loadFigures, secrets });
	const committed = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
	if (process.env.CI) {
		expect(committed).toBe(text);
	} else if (committed !== text) {
		writeFileSync(DOC, text);
	}
});
