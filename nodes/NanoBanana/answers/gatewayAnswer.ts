/**
 * The node's one answer shape, which every wire format's reader fills, and what the readers share:
 * words that hold an image (a markdown image link, a data URL: an image on every route, the user
 * paid for it), error objects in the shapes gateways use, and a provider's words for a failure.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Warning } from '../warnings';

export interface ImageEntry {
	b64?: string;
	url?: string;
	/**
	 * A file on the provider's own API (a Gemini `fileData` answer part), fetched with the
	 * credential. The reader builds it from the credential's base URL, so the key stays there.
	 */
	providerFile?: string;
	revisedPrompt?: string;
}

/** How the model's answer ended, in the provider's words (finishReasons.ts says what each means). */
export interface AnswerFinish {
	/** Gemini's finishReason or blockReason (OpenRouter's native_finish_reason), or a chat finish_reason. */
	reason: string;
	/** The provider's words about it (Gemini's finishMessage, a refusal). */
	message?: string;
	/** The prompt was blocked before the model ran (Gemini's promptFeedback). */
	prompt?: boolean;
}

export interface GatewayAnswer {
	created?: number;
	usage?: IDataObject;
	images: ImageEntry[];
	/** Words the model (or gateway) sent instead of, or next to, images. */
	texts: string[];
	/**
	 * An error object or message found inside an otherwise successful answer. `retryable` is the
	 * reader's own verdict, where the shape says (an OpenRouter choice's error code).
	 */
	embeddedError?: { message: string; code?: string; type?: string; retryable?: boolean };
	/** How the answer ended: for an answer without an image, the ending that explains it. */
	finish?: AnswerFinish;
	/** The inference tier that served the call (Google's `x-gemini-service-tier`), where the route has tiers. */
	serviceTier?: string;
	/** What is worth telling about this answer (a tier downgrade), for `json.warnings`. */
	notes?: Warning[];
	/** The model's interim images (Gemini's thought parts): never the answer, output only when asked for. */
	thoughts?: ImageEntry[];
	/** Where a grounded answer's facts came from (Gemini's groundingMetadata, read). */
	grounding?: IDataObject;
	/** The model's turn as it came (Gemini's candidate content, thought signatures included), for a conversation. */
	modelTurn?: IDataObject;
	/** Fields the route adds to every item of this answer (a conversation to continue). */
	extraJson?: IDataObject;
}

/** `![alt](link)` with an http(s) or data: link, or a bare image data URL, in the model's words. */
const IMAGE_IN_TEXT =
	/!\[[^\]]*\]\(\s*<?((?:https?:\/\/|data:image\/)[^\s)>]+)>?(?:\s+"[^"]*")?\s*\)|(data:image\/[a-z+.-]+;base64,[A-Za-z0-9+/=]+)/gi;

/** The images the model's words hold, and the words without them. */
export function imagesInText(text: string): { urls: string[]; rest: string } {
	const urls: string[] = [];
	const rest = text.replace(IMAGE_IN_TEXT, (_all, link: string | undefined, bare: string | undefined) => {
		urls.push((link ?? bare) as string);
		return '';
	});
	return { urls, rest: rest.trim() };
}

/** Add words to an answer, turning any image they hold into an image entry. */
export function addText(answer: GatewayAnswer, text: string): void {
	const { urls, rest } = imagesInText(text);
	for (const url of urls) answer.images.push({ url });
	if (rest !== '') answer.texts.push(rest);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined =>
	typeof v === 'string' && v.trim() !== '' ? v : undefined;

/** The message of an error object in any of the shapes gateways use. */
export function errorFromObject(body: unknown): GatewayAnswer['embeddedError'] {
	if (!isObject(body)) return undefined;
	const error = body.error;
	if (isObject(error)) {
		let message = str(error.message) ?? str(error.msg) ?? str(error.code) ?? JSON.stringify(error);
		// Google's errors name their kind in `status` (RESOURCE_EXHAUSTED, UNAVAILABLE ...).
		const status = str(error.status);
		if (status && !message.includes(status)) message = `${message} (${status})`;
		return {
			message,
			code: error.code === undefined || error.code === null ? undefined : String(error.code),
			type: str(error.type),
		};
	}
	if (str(error)) return { message: error as string };
	// { "code": 500, "msg": "..." } / { "success": false, "message": "..." }
	const failed = body.success === false || (typeof body.code === 'number' && body.code >= 400);
	const message = str(body.msg) ?? str(body.message) ?? str(body.detail);
	if (message && (failed || body.data === undefined)) {
		return { message, code: body.code === undefined ? undefined : String(body.code) };
	}
	return undefined;
}

/** Keep error text readable: no HTML tags, collapsed whitespace, a sane length. */
export function tidyText(text: string, max = 600): string {
	const plain = text
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/**
 * The gateway's own words for a failed call: `{"error":{"message"}}`, `{"message"}`,
 * plain text, or an HTML page (its title, else its text).
 */
export function providerMessage(raw: Buffer | string | undefined): string | undefined {
	if (raw === undefined) return undefined;
	const text = (typeof raw === 'string' ? raw : raw.toString('utf8')).trim();
	if (text === '') return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		const error = errorFromObject(parsed);
		if (error) return error.message;
		if (isObject(parsed) && str(parsed.message)) return parsed.message as string;
	} catch {
		// not JSON: plain text or HTML
	}
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
	if (title && str(title[1])) return tidyText(title[1], 200);
	return tidyText(text);
}
