/**
 * What every route of the provider double shares: the answer type, HTTP errors thrown from a
 * route, JSON answers, and a module-wide counter so that no two answers carry the same picture.
 * Written from the documents alone (../shared/seeds, ../shared/ROUTES.md): nothing from nodes/.
 */
import type * as http from 'node:http';

export interface Answer {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: object,
		readonly headers: Record<string, string> = {},
	) {
		super(`HTTP ${status}`);
	}
}

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
	return {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
		body: Buffer.from(JSON.stringify(body)),
	};
}

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/** Module-wide, so two answers (even from two doubles) never get the same picture. */
let imageCounter = 0;
export function nextSeed(): number {
	return ++imageCounter;
}

export function headerValue(v: string | string[] | undefined): string {
	return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** The ratio table at 1K (seeds 000/001), with Gemini 3.1 Flash Image's extra ratios (ROUTES.md). Written from
 * the documents, not imported from nodes/: the double must not agree with the node by construction. */
export const GEMINI_RATIOS: Readonly<Record<string, readonly [number, number]>> = {
	'1:1': [1024, 1024],
	'2:3': [832, 1248],
	'3:2': [1248, 832],
	'3:4': [864, 1184],
	'4:3': [1184, 864],
	'4:5': [896, 1152],
	'5:4': [1152, 896],
	'9:16': [768, 1344],
	'16:9': [1344, 768],
	'21:9': [1536, 672],
	'1:4': [512, 2048],
	'4:1': [2048, 512],
	'1:8': [384, 3072],
	'8:1': [3072, 384],
};

export const EXTRA_RATIOS = ['1:4', '4:1', '1:8', '8:1'];

/** Gemini 3.1 Flash Image, under any of its names: the only model that takes 512 and the extra ratios. */
export const isFlash31 = (model: string): boolean => /gemini-3\.1-flash-image/i.test(model);
/** Gemini 2.5 Flash Image: 1K only, no size setting. */
export const isFlash25 = (model: string): boolean => /gemini-2\.5-flash-image/i.test(model);

export function nearestOf(w: number, h: number, ratios: string[]): string {
	const target = Math.log(w / h);
	let best = ratios[0];
	for (const key of ratios) {
		const [rw, rh] = GEMINI_RATIOS[key];
		const [bw, bh] = GEMINI_RATIOS[best];
		if (Math.abs(Math.log(rw / rh) - target) < Math.abs(Math.log(bw / bh) - target)) best = key;
	}
	return best;
}

/** What a route needs from the double around it. */
export interface RouteContext {
	apiKey: string;
	/** The API server's address (for upload URLs and file URIs). */
	apiUrl: string;
	/** Keep bytes on the file host (another origin); returns their URL. */
	storeImage(bytes: Buffer, format: 'png' | 'jpeg'): string;
	imageFormat: 'png' | 'jpeg';
}

export type IncomingHeaders = http.IncomingHttpHeaders;
