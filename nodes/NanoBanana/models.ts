/**
 * What a model takes, read from its ID: gateways and Google name the same three Gemini image
 * models in many ways (`gemini-3.1-flash-image-preview`, `google/gemini-3.1-flash-image-preview`,
 * `nano-banana-2`, `nano-banana-pro-4k` ...). Sources: ../shared/ROUTES.md and the seeds.
 */

/** Gemini image models come in two families with different limits. */
export type ModelFamily = 'flash' | 'pro';

export function modelFamily(model: string): ModelFamily {
	return /pro/i.test(model) ? 'pro' : 'flash';
}

/** Gemini 3.1 Flash Image (Nano Banana 2): the one model documented to take 512 and 1:4 ... 8:1. */
export function isNanoBanana2(model: string): boolean {
	return /gemini-3\.1-flash-image|nano-banana-2(?![\d.])/i.test(model);
}

/** Gemini 2.5 Flash Image (the first Nano Banana) makes 1K images only and has no size setting. */
export function isFixedAt1K(model: string): boolean {
	return /gemini-2\.5-flash-image|^(google\/)?nano-banana$/i.test(model.trim());
}

/**
 * Most input images a model takes on Google's own API and on chat-completions routes: best
 * results with up to 3 on 2.5 Flash, up to 14 on 3 Pro and 3.1 Flash (ROUTES.md).
 */
export function geminiMaxInputs(model: string): number {
	return isFixedAt1K(model) ? 3 : 14;
}
