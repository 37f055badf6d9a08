/**
 * The field dialects of the OpenAI Images wire format, as data: how each gateway spells aspect
 * ratio, resolution, image count, answer format and the image parts of an edit. Sources: the
 * seeds in ../shared/seeds (V-API 000/001, OpenAI-style 002, TheTurbo 003, Tu-zi 004) as summed
 * up in ../shared/PROVIDERS.md.
 */
import type { ModelFacts } from '../models/lookup';
import type { AspectRatio, Resolution } from '../models/imageSizes';
import { pixelsFor } from '../models/imageSizes';
import type { Warning } from '../warnings';
import { unsupported } from '../warnings';

/** How gateways' field dialects group the models: pro models spell sizes their own way on V-API and Tu-zi. */
export type ModelFamily = 'flash' | 'pro';

/** What the user asked for, already validated. `undefined` means "auto": the gateway's default. */
export interface SizeRequest {
	model: string;
	family: ModelFamily;
	/** The size a gateway alias always makes (V-API's -2k/-4k). */
	fixedSize?: Resolution;
	aspectRatio?: AspectRatio;
	resolution?: Resolution;
}

export interface SizeFields {
	/** Request fields to send, named the gateway's way. */
	fields: Record<string, string>;
	/** Settings this gateway cannot honour: reported to the user in `json.warnings`. */
	warnings: Warning[];
}

export type DialectId = 'gptGe' | 'tuZi' | 'theTurbo' | 'openai';

export interface Dialect {
	id: DialectId;
	displayName: string;
	/** One line on how the dialect names things, shown where a user picks it. */
	description: string;
	/** Translate aspect ratio and resolution into this gateway's own fields. */
	mapSize(request: SizeRequest): SizeFields;
	/** Multipart field name for the edit's images, given how many are sent. */
	imageField(count: number): string;
	/** Most input images the gateway documents for a model family. */
	maxImages: Record<ModelFamily, number>;
	/** Multipart field for a mask, when the gateway takes one. */
	maskField?: string;
	/** Field for the number of images per request, when the gateway takes one (else: one request per image). */
	countField?: string;
	/** Field that picks `url` or `b64_json` answers, when the gateway takes one. */
	responseFormatField?: string;
	/** Field for Gemini's input media resolution, when the gateway takes one. */
	mediaResolutionField?: string;
	/** Headers the gateway's documents require on every call. */
	headers?: Record<string, string>;
}

const lower = (r: Resolution) => r.toLowerCase();

function sizeFields(): SizeFields {
	return { fields: {}, warnings: [] };
}

export const DIALECTS: Record<DialectId, Dialect> = {
	// V-API (seeds 000, 001): flash models take the ratio in `size`; pro models take the
	// resolution in `size` (1k/2k/4k) and the ratio in `aspect_ratio`; the -2k/-4k aliases
	// fix the resolution and take the ratio in `size`.
	gptGe: {
		id: 'gptGe',
		displayName: 'V-API Style',
		description: 'size as a ratio (flash models) or 1k/2k/4k plus aspect_ratio (pro models)',
		mapSize({ model, family, fixedSize, aspectRatio, resolution }) {
			const out = sizeFields();
			if (fixedSize) {
				if (aspectRatio) out.fields.size = aspectRatio;
				if (resolution && resolution !== fixedSize) {
					out.warnings.push(unsupported('resolution', `Resolution ${resolution} was not sent: the model "${model}" always makes ${fixedSize} images.`));
				}
			} else if (family === 'pro') {
				if (resolution) out.fields.size = lower(resolution);
				if (aspectRatio) out.fields.aspect_ratio = aspectRatio;
			} else {
				if (aspectRatio) out.fields.size = aspectRatio;
				if (resolution && resolution !== '1K') {
					out.warnings.push(unsupported('resolution', `Resolution ${resolution} was not sent: V-API documents no resolution setting for "${model}" (1K only). Use nano-banana-pro, nano-banana-pro-2k or nano-banana-pro-4k for larger images.`));
				}
			}
			return out;
		},
		imageField: () => 'image',
		maxImages: { flash: 6, pro: 6 },
		maskField: 'mask',
		countField: 'n',
		responseFormatField: 'response_format',
	},
	// Tu-zi (seed 004): `size` as {w}x{h}, `quality` 1k/2k/4k for the pro model only.
	tuZi: {
		id: 'tuZi',
		displayName: 'Tu-Zi Style',
		description: 'size as {w}x{h}, quality as 1k/2k/4k, mask',
		mapSize({ model, family, aspectRatio, resolution }) {
			const out = sizeFields();
			if (aspectRatio) out.fields.size = pixelsFor(aspectRatio).join('x');
			if (resolution) {
				if (family === 'pro') out.fields.quality = lower(resolution);
				else
					out.warnings.push(unsupported('resolution', `Resolution ${resolution} was not sent: Tu-zi's quality setting only applies to pro models, not "${model}".`));
			}
			return out;
		},
		imageField: () => 'image',
		maxImages: { flash: 3, pro: 14 },
		maskField: 'mask',
		countField: 'n',
		responseFormatField: 'response_format',
	},
	// TheTurbo (seed 003): `aspect_ratio`, `image_size` 1K/2K/4K; one image as `image`,
	// several as `image[]`; answers are always base64; `Accept: application/json` required.
	theTurbo: {
		id: 'theTurbo',
		displayName: 'TheTurbo Style',
		description: 'aspect_ratio, image_size as 1K/2K/4K, several images as image[]',
		mapSize({ aspectRatio, resolution }) {
			const out = sizeFields();
			if (aspectRatio) out.fields.aspect_ratio = aspectRatio;
			if (resolution) out.fields.image_size = resolution;
			return out;
		},
		imageField: (count) => (count > 1 ? 'image[]' : 'image'),
		maxImages: { flash: 3, pro: 14 },
		mediaResolutionField: 'media_resolution',
		headers: { Accept: 'application/json' },
	},
	// OpenAI Images style (seed 002 and most other gateways): `size` as {w}x{h}, which also
	// carries the resolution; `n`; `response_format`; `mask`.
	openai: {
		id: 'openai',
		displayName: 'OpenAI Style',
		description: 'size as {w}x{h} (for example 1344x768), n, response_format, mask',
		mapSize({ aspectRatio, resolution }) {
			const out = sizeFields();
			if (aspectRatio) out.fields.size = pixelsFor(aspectRatio, resolution).join('x');
			else if (resolution && resolution !== '1K') {
				out.warnings.push(unsupported('resolution', `Resolution ${resolution} was not sent: OpenAI-style gateways take the resolution only as part of "size", which needs an aspect ratio. Choose an aspect ratio to get ${resolution} images.`));
			}
			return out;
		},
		imageField: () => 'image',
		maxImages: { flash: 3, pro: 14 },
		maskField: 'mask',
		countField: 'n',
		responseFormatField: 'response_format',
	},
};

/**
 * A model's group on a gateway's field dialect: the catalogue's, or for an ID it does not know,
 * the gateways' own convention (V-API's and Tu-zi's documents speak of "pro models" by name).
 */
export function familyOf(facts: ModelFacts, model: string): ModelFamily {
	return facts.record?.family ?? (/pro/i.test(model) ? 'pro' : 'flash');
}

export function isDialectId(value: unknown): value is DialectId {
	return typeof value === 'string' && value in DIALECTS;
}

/** What a generic gateway's credential says about its field dialect. */
export interface DialectChoice {
	dialect?: unknown;
	/** "Image Field Name": `image` (seed 002, the default) or `image[]` (OpenAI's own API). */
	imageField?: unknown;
}

/** A provider's fixed dialect, or for a generic gateway the one its credential names. */
export function chooseDialect(fixed: DialectId | undefined, choice: DialectChoice): Dialect {
	if (fixed) return DIALECTS[fixed];
	const dialect = DIALECTS[isDialectId(choice.dialect) ? choice.dialect : 'openai'];
	// OpenAI's API and its client send one image as `image`, several as `image[]`.
	if (dialect.id === 'openai' && choice.imageField === 'image[]') return { ...dialect, imageField: (count) => (count > 1 ? 'image[]' : 'image') };
	return dialect;
}
