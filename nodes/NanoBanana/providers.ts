/**
 * Everything that differs between the image gateways lives in this file, as data: one
 * small description per provider (credential, host, known models) and one per field
 * dialect (how a gateway spells aspect ratio, resolution, image count, answer format,
 * the image parts of an edit). The rest of the node reads these descriptions and never
 * branches on a provider's name.
 *
 * Sources: the seeds in ../shared/seeds (V-API 000/001, OpenAI-style 002, TheTurbo 003,
 * Tu-zi 004) as summed up in ../shared/PROVIDERS.md; Google's Gemini API and OpenRouter as
 * summed up in ../shared/ROUTES.md.
 */
import type { ModelFamily } from './models';
import { modelFamily } from './models';
import type { WireFormatId } from './wireFormats/wireFormat';

export type { ModelFamily };
export { modelFamily };

export const ASPECT_RATIOS = [
	'1:1',
	'2:3',
	'3:2',
	'3:4',
	'4:3',
	'4:5',
	'5:4',
	'9:16',
	'16:9',
	'21:9',
	// Gemini 3.1 Flash Image only:
	'1:4',
	'4:1',
	'1:8',
	'8:1',
] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** The ratios only Gemini 3.1 Flash Image takes (ROUTES.md): sent for that model alone. */
export const NANO_BANANA_2_RATIOS: readonly AspectRatio[] = ['1:4', '4:1', '1:8', '8:1'];

export const RESOLUTIONS = ['512', '1K', '2K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The resolution only Gemini 3.1 Flash Image takes. */
export const NANO_BANANA_2_RESOLUTIONS: readonly Resolution[] = ['512'];

/** Width x height of each ratio at 1K, from the table in seeds 000/001. */
export const RATIO_PIXELS_1K: Record<AspectRatio, readonly [number, number]> = {
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

const RESOLUTION_SCALE: Record<Resolution, number> = { '512': 0.5, '1K': 1, '2K': 2, '4K': 4 };

export function pixelsFor(ratio: AspectRatio, resolution: Resolution = '1K'): [number, number] {
	const [w, h] = RATIO_PIXELS_1K[ratio];
	const scale = RESOLUTION_SCALE[resolution];
	return [Math.round(w * scale), Math.round(h * scale)];
}

/** The ratio of the table closest to an image's own shape (Edit's "Match First Input Image"). */
export function nearestRatio(width: number, height: number, ratios: readonly AspectRatio[]): AspectRatio {
	const target = Math.log(width / height);
	let best = ratios[0];
	for (const ratio of ratios) {
		const [w, h] = RATIO_PIXELS_1K[ratio];
		const [bw, bh] = RATIO_PIXELS_1K[best];
		if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(bw / bh) - target)) best = ratio;
	}
	return best;
}

/** What the user asked for, already validated. `undefined` means "auto": the gateway's default. */
export interface SizeRequest {
	model: string;
	family: ModelFamily;
	aspectRatio?: AspectRatio;
	resolution?: Resolution;
}

export interface SizeFields {
	/** Request fields to send, named the gateway's way. */
	fields: Record<string, string>;
	/** Settings this gateway cannot honour: reported to the user in `json.warnings`. */
	warnings: string[];
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
		mapSize({ model, family, aspectRatio, resolution }) {
			const out = sizeFields();
			const alias = /-(2k|4k)$/i.exec(model);
			if (alias) {
				if (aspectRatio) out.fields.size = aspectRatio;
				if (resolution && lower(resolution) !== alias[1].toLowerCase()) {
					out.warnings.push(
						`Resolution ${resolution} was not sent: the model "${model}" always makes ${alias[1].toUpperCase()} images.`,
					);
				}
			} else if (family === 'pro') {
				if (resolution) out.fields.size = lower(resolution);
				if (aspectRatio) out.fields.aspect_ratio = aspectRatio;
			} else {
				if (aspectRatio) out.fields.size = aspectRatio;
				if (resolution && resolution !== '1K') {
					out.warnings.push(
						`Resolution ${resolution} was not sent: V-API documents no resolution setting for "${model}" (1K only). Use nano-banana-pro, nano-banana-pro-2k or nano-banana-pro-4k for larger images.`,
					);
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
					out.warnings.push(
						`Resolution ${resolution} was not sent: Tu-zi's quality setting only applies to pro models, not "${model}".`,
					);
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
				out.warnings.push(
					`Resolution ${resolution} was not sent: OpenAI-style gateways take the resolution only as part of "size", which needs an aspect ratio. Choose an aspect ratio to get ${resolution} images.`,
				);
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

export type ProviderId = 'gptGe' | 'tuZi' | 'theTurbo' | 'openAiCompatible' | 'google' | 'openRouter';

export interface KnownModel {
	value: string;
	name: string;
	description: string;
}

/** Where a provider lists its models, and how to read the IDs out of the answer. */
export interface ModelList {
	path: string;
	/** `data[].id` (OpenAI style) or `models[].name` with `supportedGenerationMethods` (Google). */
	shape: 'openAi' | 'google';
	/** Keep only IDs that look like image models (lists that hold every model). */
	imageOnly: boolean;
}

export interface Provider {
	id: ProviderId;
	displayName: string;
	credentialType: string;
	/**
	 * The wire format it speaks; undefined when the credential's "Endpoint" says (OpenAI Images or
	 * chat completions, for a generic gateway).
	 */
	wireFormat?: WireFormatId;
	/** Fixed field dialect of the OpenAI Images format, or undefined when the credential names it. */
	dialect?: DialectId;
	models: KnownModel[];
	defaultModel: string;
	modelList: ModelList;
	/** Headers sent with every call (for example OpenRouter's attribution headers). */
	headers?: Record<string, string>;
	/** How the route spells a resolution, where it differs from Google's 512/1K/2K/4K. */
	sizeNames?: Partial<Record<Resolution, string>>;
}

const OPENAI_MODEL_LIST: ModelList = { path: '/v1/models', shape: 'openAi', imageOnly: true };

export const PROVIDERS: Record<ProviderId, Provider> = {
	gptGe: {
		id: 'gptGe',
		displayName: 'V-API (gpt.ge)',
		credentialType: 'gptGeApi',
		dialect: 'gptGe',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'nano-banana',
		models: [
			{ value: 'nano-banana', name: 'nano-banana', description: 'Gemini 2.5 Flash Image; answers with a URL by default' },
			{ value: 'nano-banana-pro', name: 'nano-banana-pro', description: 'Gemini 3 Pro Image; 1K, 2K or 4K' },
			{ value: 'nano-banana-pro-2k', name: 'nano-banana-pro-2k', description: 'Gemini 3 Pro Image, always 2K' },
			{ value: 'nano-banana-pro-4k', name: 'nano-banana-pro-4k', description: 'Gemini 3 Pro Image, always 4K' },
			{ value: 'gemini-3-pro-image-preview', name: 'gemini-3-pro-image-preview', description: 'Gemini 3 Pro Image; 1K, 2K or 4K' },
			{ value: 'gemini-2.5-flash-image', name: 'gemini-2.5-flash-image', description: 'Gemini 2.5 Flash Image; answers in base64 only' },
		],
	},
	tuZi: {
		id: 'tuZi',
		displayName: 'Tu-zi',
		credentialType: 'tuZiApi',
		dialect: 'tuZi',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'gemini-3-pro-image-preview',
		models: [
			{ value: 'gemini-3-pro-image-preview', name: 'gemini-3-pro-image-preview', description: 'Gemini 3 Pro Image; 1K, 2K or 4K' },
			{ value: 'gemini-3-pro-image-preview-hd', name: 'gemini-3-pro-image-preview-hd', description: 'Gemini 3 Pro Image at 4K (about 3 MB per image)' },
		],
	},
	theTurbo: {
		id: 'theTurbo',
		displayName: 'TheTurbo (Zenlayer)',
		credentialType: 'theTurboApi',
		dialect: 'theTurbo',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'gemini-2.5-flash-image',
		models: [
			{ value: 'gemini-2.5-flash-image', name: 'gemini-2.5-flash-image', description: 'Nano Banana; up to 3 input images' },
			{ value: 'gemini-3-pro-image', name: 'gemini-3-pro-image', description: 'Nano Banana Pro; up to 14 input images' },
			{ value: 'gemini-3.1-flash-image', name: 'gemini-3.1-flash-image', description: 'Nano Banana 2; up to 3 input images' },
		],
	},
	openAiCompatible: {
		id: 'openAiCompatible',
		displayName: 'OpenAI-Compatible Image Gateway',
		credentialType: 'openAiCompatibleImageApi',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'nano-banana',
		models: [
			{ value: 'nano-banana', name: 'nano-banana', description: 'The usual gateway alias of Gemini 2.5 Flash Image' },
			{ value: 'gemini-2.5-flash-image', name: 'gemini-2.5-flash-image', description: 'Gemini 2.5 Flash Image' },
			{ value: 'gemini-3-pro-image-preview', name: 'gemini-3-pro-image-preview', description: 'Gemini 3 Pro Image' },
			{ value: 'gemini-3.1-flash-image', name: 'gemini-3.1-flash-image', description: 'Gemini 3.1 Flash Image' },
		],
	},
	google: {
		id: 'google',
		displayName: 'Google Gemini API (AI Studio)',
		credentialType: 'googleGeminiImageApi',
		wireFormat: 'geminiGenerateContent',
		modelList: { path: '/v1beta/models?pageSize=1000', shape: 'google', imageOnly: true },
		defaultModel: 'gemini-2.5-flash-image',
		models: [
			{ value: 'gemini-2.5-flash-image', name: 'gemini-2.5-flash-image', description: 'Nano Banana: fast, 1K, up to 3 input images' },
			{ value: 'gemini-3-pro-image-preview', name: 'gemini-3-pro-image-preview', description: 'Nano Banana Pro: 1K, 2K or 4K, up to 14 input images' },
			{ value: 'gemini-3.1-flash-image-preview', name: 'gemini-3.1-flash-image-preview', description: 'Nano Banana 2: 512 to 4K, ratios up to 8:1, up to 14 input images' },
		],
	},
	openRouter: {
		id: 'openRouter',
		displayName: 'OpenRouter',
		credentialType: 'openRouterImageApi',
		wireFormat: 'chatCompletions',
		modelList: { path: '/v1/models?output_modalities=image', shape: 'openAi', imageOnly: false },
		sizeNames: { '512': '0.5K' },
		headers: { 'HTTP-Referer': 'https://github.com/n8n-nodes-nano-banana/n8n-nodes-nano-banana', 'X-Title': 'n8n Nano Banana' },
		defaultModel: 'google/gemini-2.5-flash-image',
		models: [
			{ value: 'google/gemini-2.5-flash-image', name: 'google/gemini-2.5-flash-image', description: 'Nano Banana: fast, 1K, up to 3 input images' },
			{ value: 'google/gemini-3-pro-image-preview', name: 'google/gemini-3-pro-image-preview', description: 'Nano Banana Pro: 1K, 2K or 4K, up to 14 input images' },
			{ value: 'google/gemini-3.1-flash-image-preview', name: 'google/gemini-3.1-flash-image-preview', description: 'Nano Banana 2: 512 to 4K, ratios up to 8:1' },
		],
	},
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isDialectId(value: unknown): value is DialectId {
	return typeof value === 'string' && value in DIALECTS;
}

/** The provider's dialect, or for a generic gateway the one its credential names. */
export function dialectFor(provider: Provider, credentialDialect: unknown): Dialect {
	if (provider.dialect) return DIALECTS[provider.dialect];
	return DIALECTS[isDialectId(credentialDialect) ? credentialDialect : 'openai'];
}

/** The wire format a provider speaks: its own, or for a generic gateway the credential's endpoint. */
export function wireFormatFor(provider: Provider, credentialEndpoint: unknown): WireFormatId {
	if (provider.wireFormat) return provider.wireFormat;
	return credentialEndpoint === 'chatCompletions' ? 'chatCompletions' : 'openAiImages';
}

/**
 * Base URL as the user typed it, reduced to the host part the API paths go under: trailing
 * slashes and a trailing `/v1` (or Google's `/v1beta`) are dropped, since the node adds them.
 */
export function normalizeBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '').replace(/\/v1(beta)?$/i, '');
}
