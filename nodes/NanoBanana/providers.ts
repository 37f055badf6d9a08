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
import type { ModelFacts, ModelNaming } from './models/lookup';
import type { ModelList } from './models/modelList';
import type { AspectRatio, Resolution } from './models/imageSizes';
import { pixelsFor } from './models/imageSizes';
import { CURRENT_DEFAULT } from './models/catalogue';
import { recordById } from './models/lookup';
import type { WireFormatId } from './wireFormats/wireFormat';

export type { ModelList };

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
		mapSize({ model, family, fixedSize, aspectRatio, resolution }) {
			const out = sizeFields();
			if (fixedSize) {
				if (aspectRatio) out.fields.size = aspectRatio;
				if (resolution && resolution !== fixedSize) {
					out.warnings.push(`Resolution ${resolution} was not sent: the model "${model}" always makes ${fixedSize} images.`);
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

export interface Provider extends ModelNaming {
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
	/** The default model of version 1 nodes (kept: saved workflows leave a default value out). */
	defaultModel: string;
	/** The default model from node version 2 on, where it differs. */
	currentDefault?: string;
	modelList: ModelList;
	/** Headers sent with every call (for example OpenRouter's attribution headers). */
	headers?: Record<string, string>;
	/** How the route spells a resolution, where it differs from Google's 512/1K/2K/4K. */
	sizeNames?: Partial<Record<Resolution, string>>;
	/** Chat route: the model IDs that answer with images only, and so want `modalities: ["image"]`. */
	imageOnlyModels?: RegExp;
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
		// V-API's own aliases (seeds 000/001); the gateway maps them itself.
		aliases: [
			{ value: 'nano-banana', model: 'gemini-2.5-flash-image', note: 'answers with a URL by default' },
			{ value: 'nano-banana-pro', model: 'gemini-3-pro-image' },
			{ value: 'nano-banana-pro-2k', model: 'gemini-3-pro-image', size: '2K' },
			{ value: 'nano-banana-pro-4k', model: 'gemini-3-pro-image', size: '4K' },
			{ value: 'gemini-3-pro-image-preview', model: 'gemini-3-pro-image', note: "V-API's name for it" },
			{ value: 'gemini-2.5-flash-image', model: 'gemini-2.5-flash-image', note: 'answers in base64 only' },
		],
	},
	tuZi: {
		id: 'tuZi',
		displayName: 'Tu-zi',
		credentialType: 'tuZiApi',
		dialect: 'tuZi',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'gemini-3-pro-image-preview',
		// Tu-zi's names (seed 004).
		aliases: [
			{ value: 'gemini-3-pro-image-preview', model: 'gemini-3-pro-image', note: "Tu-zi's name for it" },
			{ value: 'gemini-3-pro-image-preview-hd', model: 'gemini-3-pro-image', size: '4K', note: 'about 3 MB per image' },
		],
	},
	theTurbo: {
		id: 'theTurbo',
		displayName: 'TheTurbo (Zenlayer)',
		credentialType: 'theTurboApi',
		dialect: 'theTurbo',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'gemini-2.5-flash-image',
		// TheTurbo's names (seed 003): flash models take up to 3 input images there.
		aliases: [
			{ value: 'gemini-2.5-flash-image', model: 'gemini-2.5-flash-image' },
			{ value: 'gemini-3-pro-image', model: 'gemini-3-pro-image' },
			{ value: 'gemini-3.1-flash-image', model: 'gemini-3.1-flash-image' },
		],
	},
	openAiCompatible: {
		id: 'openAiCompatible',
		displayName: 'OpenAI-Compatible Image Gateway',
		credentialType: 'openAiCompatibleImageApi',
		modelList: OPENAI_MODEL_LIST,
		defaultModel: 'nano-banana',
		// The names most OpenAI-style gateways use (seed 002's example and the usual aliases).
		aliases: [
			{ value: 'nano-banana', model: 'gemini-2.5-flash-image', note: 'the usual gateway alias' },
			{ value: 'gemini-2.5-flash-image', model: 'gemini-2.5-flash-image' },
			{ value: 'gemini-3-pro-image-preview', model: 'gemini-3-pro-image', note: 'a name many gateways keep' },
			{ value: 'gemini-3.1-flash-image', model: 'gemini-3.1-flash-image' },
		],
	},
	google: {
		id: 'google',
		displayName: 'Google Gemini API (AI Studio)',
		credentialType: 'googleGeminiImageApi',
		wireFormat: 'geminiGenerateContent',
		modelList: { path: '/v1beta/models?pageSize=1000', shape: 'google', imageOnly: true },
		defaultModel: 'gemini-2.5-flash-image',
		catalogueNames: 'id',
		currentDefault: CURRENT_DEFAULT,
	},
	openRouter: {
		id: 'openRouter',
		displayName: 'OpenRouter',
		credentialType: 'openRouterImageApi',
		wireFormat: 'chatCompletions',
		modelList: { path: '/v1/models?output_modalities=image', shape: 'openAi', imageOnly: false },
		sizeNames: { '512': '0.5K' },
		// OpenRouter's image models of other vendors (FLUX, Seedream, ...): only Google's answer with words too (ROUTES.md).
		imageOnlyModels: /^(?!google\/)[^/]+\//,
		headers: { 'HTTP-Referer': 'https://github.com/n8n-nodes-nano-banana/n8n-nodes-nano-banana', 'X-Title': 'n8n Nano Banana' },
		defaultModel: 'google/gemini-2.5-flash-image',
		catalogueNames: 'openRouter',
		currentDefault: recordById(CURRENT_DEFAULT)?.openRouter,
	},
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

/**
 * A model's group on a gateway's field dialect: the catalogue's, or for an ID it does not know,
 * the gateways' own convention (V-API's and Tu-zi's documents speak of "pro models" by name).
 */
export function familyOf(facts: ModelFacts, model: string): ModelFamily {
	return facts.record?.family ?? (/pro/i.test(model) ? 'pro' : 'flash');
}

/** The size an alias always makes: its entry's, or by the gateways' convention a `-2k`/`-4k`/`-hd` ending. */
export function fixedSizeOf(facts: ModelFacts, model: string): Resolution | undefined {
	if (facts.fixedSize || facts.record) return facts.fixedSize;
	const ending = /-(2k|4k|hd)$/i.exec(model)?.[1].toLowerCase();
	return ending === '2k' ? '2K' : ending ? '4K' : undefined;
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

/** The provider's dialect, or for a generic gateway the one its credential names. */
export function dialectFor(provider: Provider, credential: DialectChoice): Dialect {
	if (provider.dialect) return DIALECTS[provider.dialect];
	const dialect = DIALECTS[isDialectId(credential.dialect) ? credential.dialect : 'openai'];
	// OpenAI's API and its client send one image as `image`, several as `image[]`.
	if (dialect.id === 'openai' && credential.imageField === 'image[]') return { ...dialect, imageField: (count) => (count > 1 ? 'image[]' : 'image') };
	return dialect;
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
