/**
 * The provider double's public shapes: what it records of a request, what a test can script, its
 * settings, and the model lists and ratio table its OpenAI Images dialects answer by.
 */
import { EXTRA_RATIOS, GEMINI_RATIOS } from './doubleKit';
import type { GeminiRoute } from './geminiRoute';
import type { VertexRoute } from './vertexRoute';
import type { ChatAnswerShape } from './chatRoute';

export type Dialect = 'gptGe' | 'tuZi' | 'theTurbo' | 'openai';
/** A route of the double: the four image gateways, Google's Gemini API, OpenRouter. */
export type Prefix = Dialect | 'google' | 'openRouter' | 'vertex';

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
	/** Vertex AI: its token endpoint, service account key, settings and counts (vertexRoute.ts). */
	vertex: VertexRoute;
	apiKey: string; // the Bearer key it accepts
	requests: RecordedRequest[]; // every API request (not file downloads)
	/** Under `settings.maxInFlight`: 429s sent, the most requests accepted at once, and now. */
	limit: { rejected: number; peak: number; inFlight: number };
	downloads: Array<{ path: string; headers: Record<string, string | string[] | undefined> }>;
	settings: DoubleSettings;
	/** Images answered as URLs, by file name (`<id>.png`); delete one to make its URL "expire". */
	files: Map<string, StoredFile>;
	/** File names the file host answers with a 302 to the given location (any URL), every time. */
	redirects: Map<string, string>;
	/** Statuses the file host answers for a file name before it serves the file (503, 429 ...), one per download. */
	fileFaults: Map<string, number[]>;
	enqueue(...responses: ScriptedResponse[]): void; // scripted answers for the next API requests
	reset(): void; // clear requests, downloads, queue, stored files, settings back to defaults
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'test-key-do-not-leak-1234567890';

export const DIALECTS: readonly Dialect[] = ['gptGe', 'tuZi', 'theTurbo', 'openai'];
export const PREFIXES: readonly Prefix[] = [...DIALECTS, 'google', 'openRouter', 'vertex'];

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
