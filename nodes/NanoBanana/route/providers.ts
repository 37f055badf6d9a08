/**
 * The providers, as data: one small description each (credential, wire format, field dialect,
 * model naming and list, headers, spellings). The rest of the node reads these descriptions and
 * never branches on a provider's name. The field dialects are wireFormats/openAiDialects.ts.
 *
 * Sources: the seeds in ../shared/seeds as summed up in ../shared/PROVIDERS.md; Google's Gemini
 * API and OpenRouter as summed up in ../shared/ROUTES.md.
 */
import { CURRENT_DEFAULT } from '../models/catalogue';
import type { Resolution } from '../models/imageSizes';
import type { ModelNaming } from '../models/lookup';
import { recordById } from '../models/lookup';
import type { ModelList } from '../models/modelList';
import type { DialectId } from '../wireFormats/openAiDialects';
import type { WireFormatId } from '../wireFormats/wireFormatId';

export type { ModelList };

export type ProviderId = 'gptGe' | 'tuZi' | 'theTurbo' | 'openAiCompatible' | 'google' | 'openRouter' | 'vertexAi';

/** What a Gemini route (the generateContent wire format) offers beyond the shared request. */
export interface GeminiRoute {
	/** Inputs too large to send inline go through the Files API first. */
	filesApi: boolean;
	/** `gs://` image links are sent as `fileData`, for the provider to read from Cloud Storage. */
	storageLinks: boolean;
	/** The output image's MIME type and JPEG quality (`imageConfig.imageOutputOptions`). */
	outputOptions: boolean;
	/** Google's inference tiers as the top-level `serviceTier` field (Vertex AI takes a header instead: not offered there). */
	serviceTier: boolean;
	/** Batch mode: `batchGenerateContent`, `batches/{id}` to poll and cancel (Vertex AI's batch jobs read Cloud Storage instead). */
	batch: boolean;
	/** Google's opt-out of request storage, the top-level `store: false` (Gemini API only). */
	storeOptOut: boolean;
}

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
	/** Its model list; none: the picker shows the catalogue's models only. */
	modelList?: ModelList;
	/** How its credential becomes a connection: an API key by n8n's `authenticate` (default), or Google Cloud's service account or Express key. */
	connector?: 'googleCloud';
	/** The generateContent route's own features. */
	gemini?: GeminiRoute;
	/** The node's method that tests the credential, for a credential that signs its own calls. */
	credentialTest?: 'vertexAiConnectionTest';
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
		gemini: { filesApi: true, storageLinks: false, outputOptions: false, serviceTier: true, batch: true, storeOptOut: true },
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
	vertexAi: {
		id: 'vertexAi',
		displayName: 'Google Vertex AI',
		credentialType: 'vertexAiImageApi',
		wireFormat: 'geminiGenerateContent',
		connector: 'googleCloud',
		credentialTest: 'vertexAiConnectionTest',
		// Vertex AI serves Google's model IDs; it came after version 1, so it starts at the current model.
		defaultModel: CURRENT_DEFAULT,
		catalogueNames: 'id',
		gemini: { filesApi: false, storageLinks: true, outputOptions: true, serviceTier: false, batch: false, storeOptOut: false },
	},
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];
