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

/** What Google's API takes of one image model: its `imageSize` values (none: no size setting at all). */
export interface GoogleModel {
	sizes: string[];
	/** Takes 1:4 4:1 1:8 8:1 too. */
	longRatios: boolean;
	/** Sends thought parts (a draft image) before the answer. */
	thinks: boolean;
	/** Image-output tokens per image, by size (`usageMetadata.candidatesTokensDetails`). */
	imageTokens: (size: string | undefined) => number;
}

/**
 * The Gemini image models Google serves on 2026-12-03, written from ../shared/MODELS.md alone (not
 * imported from nodes/: the double must not agree with the node by construction). Nano Banana 2.1
 * answers 400 for 512; Nano Banana 2 Lite makes 1K only and refuses 2K and 4K.
 */
export const GOOGLE_MODELS: Readonly<Record<string, GoogleModel>> = {
	'gemini-2.5-flash-image': { sizes: [], longRatios: false, thinks: false, imageTokens: () => 1290 },
	'gemini-3-pro-image': { sizes: ['1K', '2K', '4K'], longRatios: false, thinks: true, imageTokens: (size) => (size === '4K' ? 2000 : 1120) },
	'gemini-3.1-flash-image': { sizes: ['512', '1K', '2K', '4K'], longRatios: true, thinks: true, imageTokens: () => 1290 },
	'gemini-nano-banana-2.1': { sizes: ['1K', '2K', '4K'], longRatios: true, thinks: true, imageTokens: () => 1290 },
	'gemini-3.1-flash-lite-image': { sizes: ['1K'], longRatios: false, thinks: false, imageTokens: () => 1290 },
};

/** IDs Google has shut down (2026-06-25): they answer 404 NOT_FOUND. */
export const SHUT_DOWN_MODELS = ['gemini-3-pro-image-preview', 'gemini-3.1-flash-image-preview'];

/** What a gateway that maps its own aliases takes of a model it does not know by Google's name. */
export const GATEWAY_DEFAULT: GoogleModel = { sizes: ['1K', '2K', '4K'], longRatios: false, thinks: false, imageTokens: () => 1290 };

/** A model's facts under Google's ID or OpenRouter's `google/` slug. */
export const googleModel = (model: string): GoogleModel | undefined => GOOGLE_MODELS[model.replace(/^google\//, '')];

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
