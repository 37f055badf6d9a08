/**
 * The provider double's Google Gemini API (prefix `/google`), from ../shared/ROUTES.md alone:
 *   GET  /v1beta/models                          {"models": [{"name": "models/...", "supportedGenerationMethods"}]}
 *   POST /v1beta/models/{model}:generateContent  the image call (JSON, checked strictly)
 *   POST /upload/v1beta/files                    resumable upload start (answers X-Goog-Upload-URL)
 *   POST /upload/v1beta/files?upload_id=...      the bytes ("upload, finalize"), no key needed
 *   GET  /v1beta/files/{id}                      an uploaded file's state
 * The key must come as `x-goog-api-key` (missing: 403 PERMISSION_DENIED; wrong: 400 INVALID_ARGUMENT
 * with reason API_KEY_INVALID); a key in the URL (`?key=`) is refused too, so the tests see that the
 * node never puts it there. Errors are Google's `{"error": {"code", "message", "status"}}`.
 *
 * generateContent checks: JSON object; whole body at most 20971520 bytes ("Request payload size
 * exceeds the limit"); only the documented top-level and generationConfig fields (anything else:
 * `Unknown name "x"`); `contents` a non-empty list of `{role, parts}`, each part exactly one of
 * text / inlineData / fileData (camelCase or snake_case); every inline image a PNG, JPEG or WebP in
 * valid base64, every fileUri one the double's Files API handed out; responseModalities from
 * TEXT/IMAGE; aspectRatio from the table (1:4 4:1 1:8 8:1 for the models that take them); imageSize
 * from the model's own sizes (none at all for 2.5 Flash; 2.1 refuses 512; Lite takes 1K only);
 * mediaResolution one of Google's values. The models are today's (GOOGLE_MODELS in doubleKit.ts):
 * the shut-down preview IDs, and any a test lists in `settings.retired`, answer 404 NOT_FOUND with
 * Google's exact words and leave the model list; `settings.listExtra` lists models that came out
 * after this double was written (they are listed, not served).
 * The answer: an `inlineData` PNG (ratio asked for, else the first input's nearest ratio, else 1:1;
 * 512 halves, 2K doubles, 4K quadruples), a text part when TEXT was asked for, a thought part (a
 * small draft image, `thought: true`) first for the models that think, `finishReason: STOP`, and
 * usageMetadata with the image tokens Google bills (candidatesTokensDetails by modality).
 * Without IMAGE in responseModalities the answer is text only.
 */
import { randomBytes } from 'node:crypto';

import type { Answer, RouteContext } from './doubleKit';
import { EXTRA_RATIOS, GEMINI_RATIOS, GOOGLE_MODELS, HttpError, headerValue, jsonAnswer, nearestOf, nextSeed } from './doubleKit';
import { JSONL_TYPES, createBatchRoute } from './geminiBatch';
import { encodeJpeg, encodePng, readImageSize } from './images';

export const GEMINI_MODELS = Object.keys(GOOGLE_MODELS);
export const GEMINI_PAYLOAD_LIMIT = 20_971_520;

export interface GeminiRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	json?: Record<string, unknown>;
}

export interface UploadedFile {
	name: string;
	uri: string;
	mimeType: string;
	bytes: Buffer;
	/** GETs left before the file turns ACTIVE. */
	processingPolls: number;
}

export function googleError(code: number, status: string, message: string, details?: unknown[]): HttpError {
	return new HttpError(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

const invalid = (message: string) => googleError(400, 'INVALID_ARGUMENT', message);

const TOP_LEVEL = new Set(['store', 'serviceTier', 'service_tier', 'contents', 'generationConfig', 'generation_config', 'safetySettings', 'safety_settings', 'systemInstruction', 'system_instruction', 'tools', 'toolConfig', 'tool_config', 'cachedContent', 'cached_content']);
const GENERATION_CONFIG = new Set([
	'responseModalities', 'response_modalities', 'imageConfig', 'image_config', 'mediaResolution', 'media_resolution',
	'temperature', 'topP', 'top_p', 'topK', 'top_k', 'candidateCount', 'candidate_count', 'seed', 'maxOutputTokens', 'max_output_tokens', 'thinkingConfig', 'thinking_config',
]);
const IMAGE_CONFIG = new Set(['aspectRatio', 'aspect_ratio', 'imageSize', 'image_size']);
/** Vertex AI's image fields on top (`imageOutputOptions`, person generation): the Gemini API refuses them. */
const VERTEX_IMAGE_CONFIG = new Set([...IMAGE_CONFIG, 'imageOutputOptions', 'image_output_options', 'personGeneration', 'prominentPeople']);

/** What Vertex AI's generateContent takes beyond the Gemini API's: its image fields, and `gs://` files. */
export interface VertexExtras {
	/** Cloud Storage as the project sees it: `gs://bucket/name` to its bytes. */
	storage: Map<string, { bytes: Buffer; mimeType: string }>;
	/** The 404 for a model it does not serve, in Vertex AI's words. */
	notFound: (model: string) => HttpError;
}
const MEDIA_RESOLUTIONS = new Set(['MEDIA_RESOLUTION_UNSPECIFIED', 'MEDIA_RESOLUTION_LOW', 'MEDIA_RESOLUTION_MEDIUM', 'MEDIA_RESOLUTION_HIGH']);
const INPUT_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const either = (o: Record<string, unknown>, camel: string, snake: string): unknown => o[camel] ?? o[snake];

function unknownFields(o: Record<string, unknown>, allowed: Set<string>, where: string): void {
	for (const key of Object.keys(o)) {
		if (!allowed.has(key)) throw invalid(`Invalid JSON payload received. Unknown name "${key}" at '${where}': Cannot find field.`);
	}
}

/** Google's usageMetadata: image and text output tokens, broken down by modality. */
function usage(promptTokens: number, imageTokens: number, textTokens: number): Record<string, unknown> {
	const details = [...(imageTokens > 0 ? [{ modality: 'IMAGE', tokenCount: imageTokens }] : []), ...(textTokens > 0 ? [{ modality: 'TEXT', tokenCount: textTokens }] : [])];
	const candidates = imageTokens + textTokens;
	return { promptTokenCount: promptTokens, candidatesTokenCount: candidates, totalTokenCount: promptTokens + candidates, candidatesTokensDetails: details };
}

/** The thinking levels of the models that take one (MODELS.md: Nano Banana 2 and 2.1), as the API spells them. */
const LEVEL_MODELS = new Set(['gemini-3.1-flash-image', 'gemini-nano-banana-2.1']);
const LEVELS = new Set(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH']);

function checkThinking(value: unknown, model: string): void {
	if (value === undefined) return;
	if (!isObject(value)) throw invalid('generation_config.thinking_config: must be an object');
	unknownFields(value, new Set(['thinkingLevel', 'thinking_level', 'includeThoughts', 'include_thoughts', 'thinkingBudget', 'thinking_budget']), 'generation_config.thinking_config');
	const level = either(value, 'thinkingLevel', 'thinking_level');
	if (level === undefined) return;
	if (typeof level !== 'string' || !LEVELS.has(level.toUpperCase())) throw invalid(`Invalid value at 'generation_config.thinking_config.thinking_level', ${JSON.stringify(level)}`);
	if (!LEVEL_MODELS.has(model)) throw invalid(`Thinking level is not supported for models/${model}.`);
}

/** The tools a request names: only Google Search here; whether it asked for it. */
function checkTools(value: unknown): boolean {
	if (value === undefined) return false;
	if (!Array.isArray(value)) throw invalid('tools: must be a list');
	let search = false;
	value.forEach((tool, i) => {
		if (!isObject(tool)) throw invalid(`tools[${i}]: must be an object`);
		unknownFields(tool, new Set(['googleSearch', 'google_search']), `tools[${i}]`);
		search = true;
	});
	return search;
}

export const SEARCH_SOURCE = { title: 'Reuters', uri: 'https://www.reuters.com/markets/' };

/** What Google attaches to a grounded answer: the searches it ran, its sources, and the entry point apps show. */
function groundingFor(prompt: string): Record<string, unknown> {
	return {
		webSearchQueries: [prompt.slice(0, 60)],
		groundingChunks: [{ web: SEARCH_SOURCE }, { web: { title: 'Wikipedia', uri: 'https://en.wikipedia.org/wiki/Banana' } }],
		groundingSupports: [],
		searchEntryPoint: { renderedContent: '<style>.container{}</style><div class="container"><a class="chip" href="https://www.google.com/search?q=banana">banana prices</a></div>' },
	};
}

export function createGeminiRoute(ctx: RouteContext) {
	const files = new Map<string, UploadedFile>();
	const uploads = new Map<string, { length: number; mimeType: string; displayName?: string }>();
	/** `retired`: models a test has Google shut down too (they answer 404 and leave the list). */
	/**
	 * `retired`: models a test has Google shut down too (they answer 404 and leave the list).
	 * Tiers: `refusedTiers` answer 400 naming the tier; `servedTier` serves every call on that tier
	 * (a downgrade); `tierHeader: false` leaves x-gemini-service-tier out.
	 */
	const settings = { processingPolls: 0, retired: [] as string[], listExtra: [] as string[], refusedTiers: [] as string[], servedTier: undefined as string | undefined, tierHeader: true };

	/** Thought signatures the double has issued: a model turn sent back must carry them unchanged. */
	const signatures = new Set<string>();
	const stats = { unstored: 0, signaturesChecked: 0 };
	const issueSignature = (): string => {
		const signature = randomBytes(12).toString('base64');
		signatures.add(signature);
		return signature;
	};

	/** A model turn's image part goes back with the signature it came with (Gemini 3 image models' rule for multi-turn editing). */
	const checkSignature = (part: Record<string, unknown>, where: string, image: boolean): void => {
		const signature = part.thoughtSignature ?? part.thought_signature;
		if (signature === undefined) {
			if (image && part.thought !== true) throw invalid(`Image part in a model turn is missing a thought_signature at ${where}. Send the model's parts back exactly as they were received.`);
			return;
		}
		if (typeof signature !== 'string' || !signatures.has(signature)) throw invalid(`Corrupted thought signature at ${where}.`);
		stats.signaturesChecked++;
	};

	const checkKey = (req: GeminiRequest): void => {
		if (req.query.has('key')) throw invalid('The double refuses keys in the URL: send x-goog-api-key.');
		const key = headerValue(req.headers['x-goog-api-key']);
		if (key === '') {
			throw googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
		}
		if (key !== ctx.apiKey) {
			throw googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
			]);
		}
	};

	const inputImage = (part: Record<string, unknown>, where: string, vertex?: VertexExtras): { width: number; height: number } => {
		const inline = either(part, 'inlineData', 'inline_data');
		if (isObject(inline)) {
			const mimeType = either(inline, 'mimeType', 'mime_type');
			const data = inline.data;
			if (typeof mimeType !== 'string' || !INPUT_TYPES.has(mimeType)) throw invalid(`${where}.inlineData.mimeType: unsupported MIME type ${JSON.stringify(mimeType)}`);
			if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) throw invalid(`${where}.inlineData.data: invalid base64`);
			const size = readImageSize(Buffer.from(data, 'base64'));
			if (!size) throw invalid(`${where}.inlineData: Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting`);
			return size;
		}
		const fileData = either(part, 'fileData', 'file_data') as Record<string, unknown>;
		const uri = either(fileData, 'fileUri', 'file_uri');
		if (vertex && typeof uri === 'string' && uri.startsWith('gs://')) {
			const object = vertex.storage.get(uri);
			const mimeType = either(fileData, 'mimeType', 'mime_type');
			if (!object) throw googleError(400, 'INVALID_ARGUMENT', `Unable to read ${uri}: the object does not exist or the service account cannot read it.`);
			if (mimeType !== object.mimeType) throw invalid(`${where}.fileData.mimeType ${JSON.stringify(mimeType)} does not match ${uri} (${object.mimeType}).`);
			return readImageSize(object.bytes) as { width: number; height: number };
		}
		const file = [...files.values()].find((f) => f.uri === uri);
		if (!file) throw googleError(403, 'PERMISSION_DENIED', `You do not have permission to access the File ${String(uri)} or it may not exist.`);
		if (file.processingPolls > 0) throw invalid(`The File ${file.name} is not in an ACTIVE state and usage is not allowed.`);
		return readImageSize(file.bytes) as { width: number; height: number };
	};

	const generate = (model: string, req: GeminiRequest, vertex?: VertexExtras): Answer => {
		const facts = GOOGLE_MODELS[model];
		if (!facts || settings.retired.includes(model)) {
			if (vertex) throw vertex.notFound(model);
			throw googleError(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
		}
		if (req.raw.length > GEMINI_PAYLOAD_LIMIT) throw invalid(`Request payload size exceeds the limit: ${GEMINI_PAYLOAD_LIMIT} bytes.`);
		if (!/^application\/json/i.test(headerValue(req.headers['content-type'])) || !req.json) throw invalid('Invalid JSON payload received.');
		const body = req.json;
		unknownFields(body, TOP_LEVEL, '');
		const tier = checkTier(either(body, 'serviceTier', 'service_tier'), model, vertex !== undefined);
		const contents = body.contents;
		if (!Array.isArray(contents) || contents.length === 0) throw invalid('* GenerateContentRequest.contents: contents is not specified');
		const inputs: Array<{ width: number; height: number }> = [];
		let prompt = '';
		contents.forEach((content, c) => {
			if (!isObject(content)) throw invalid(`contents[${c}]: must be an object`);
			unknownFields(content, new Set(['role', 'parts']), `contents[${c}]`);
			if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') throw invalid(`contents[${c}].role: Please use a valid role: user, model.`);
			const parts = content.parts;
			if (!Array.isArray(parts) || parts.length === 0) throw invalid(`* GenerateContentRequest.contents[${c}].parts: contents.parts must not be empty.`);
			parts.forEach((part, p) => {
				const where = `contents[${c}].parts[${p}]`;
				if (!isObject(part)) throw invalid(`${where}: must be an object`);
				const kinds = ['text', 'inlineData', 'inline_data', 'fileData', 'file_data'].filter((k) => part[k] !== undefined);
				unknownFields(part, new Set(['text', 'inlineData', 'inline_data', 'fileData', 'file_data', 'thought', 'thoughtSignature', 'thought_signature']), where);
				if (kinds.length !== 1) throw invalid(`${where}: a part holds exactly one of text, inlineData, fileData (got ${kinds.join(', ') || 'none'})`);
				if (content.role === 'model') checkSignature(part, where, kinds[0] !== 'text');
				if (kinds[0] === 'text') {
					if (typeof part.text !== 'string') throw invalid(`${where}.text: must be a string`);
					if (content.role !== 'model' && part.thought !== true) prompt += part.text;
				} else inputs.push(inputImage(part, where, vertex));
			});
		});

		const config = either(body, 'generationConfig', 'generation_config') ?? {};
		if (!isObject(config)) throw invalid('generationConfig: must be an object');
		unknownFields(config, GENERATION_CONFIG, 'generation_config');
		const modalities = either(config, 'responseModalities', 'response_modalities') ?? ['TEXT', 'IMAGE'];
		if (!Array.isArray(modalities) || modalities.some((m) => m !== 'TEXT' && m !== 'IMAGE')) throw invalid('generation_config.response_modalities: values must be TEXT or IMAGE');
		const media = either(config, 'mediaResolution', 'media_resolution');
		if (media !== undefined && !MEDIA_RESOLUTIONS.has(String(media))) throw invalid(`generation_config.media_resolution: invalid value ${JSON.stringify(media)}`);
		checkThinking(either(config, 'thinkingConfig', 'thinking_config'), model);
		const search = checkTools(body.tools);
		if (body.store !== undefined && typeof body.store !== 'boolean') throw invalid(`Invalid value at 'store' (TYPE_BOOL), ${JSON.stringify(body.store)}`);
		if (body.store === false) stats.unstored++;
		const imageConfig = either(config, 'imageConfig', 'image_config') ?? {};
		if (!isObject(imageConfig)) throw invalid('generation_config.image_config: must be an object');
		unknownFields(imageConfig, vertex ? VERTEX_IMAGE_CONFIG : IMAGE_CONFIG, 'generation_config.image_config');
		const outputOptions = either(imageConfig, 'imageOutputOptions', 'image_output_options') ?? {};
		if (!isObject(outputOptions)) throw invalid('generation_config.image_config.image_output_options: must be an object');
		unknownFields(outputOptions, new Set(['mimeType', 'mime_type', 'compressionQuality', 'compression_quality']), 'generation_config.image_config.image_output_options');
		const outputType = either(outputOptions, 'mimeType', 'mime_type');
		if (outputType !== undefined && outputType !== 'image/png' && outputType !== 'image/jpeg') throw invalid(`image_output_options.mime_type: unsupported ${JSON.stringify(outputType)}`);
		const quality = either(outputOptions, 'compressionQuality', 'compression_quality');
		if (quality !== undefined && (!Number.isInteger(quality) || Number(quality) < 0 || Number(quality) > 100)) throw invalid('image_output_options.compression_quality: must be an integer from 0 to 100');
		const ratio = either(imageConfig, 'aspectRatio', 'aspect_ratio');
		const ratios = Object.keys(GEMINI_RATIOS).filter((r) => facts.longRatios || !EXTRA_RATIOS.includes(r));
		if (ratio !== undefined && !ratios.includes(String(ratio))) throw invalid(`Unsupported aspect ratio ${JSON.stringify(ratio)} for ${model}. Supported: ${ratios.join(', ')}.`);
		const size = either(imageConfig, 'imageSize', 'image_size');
		const sizes = facts.sizes;
		if (size !== undefined && !sizes.includes(String(size))) {
			throw invalid(sizes.length === 0 ? `imageSize is not supported by ${model}.` : `Unsupported image size ${JSON.stringify(size)} for ${model}. Supported: ${sizes.join(', ')}.`);
		}

		const parts: Array<Record<string, unknown>> = [];
		const promptTokens = Math.max(1, Math.ceil(prompt.length / 4)) + inputs.length * 258;
		if (!modalities.includes('IMAGE')) {
			parts.push({ text: `A picture of: ${prompt}` });
		} else {
			const first = inputs[0];
			const chosen = ratio !== undefined ? String(ratio) : first ? nearestOf(first.width, first.height, ratios) : '1:1';
			const scale = size === '512' ? 0.5 : size === '2K' ? 2 : size === '4K' ? 4 : 1;
			const [w, h] = GEMINI_RATIOS[chosen].map((v) => Math.round(v * scale));
			const png = outputType === undefined ? ctx.imageFormat === 'png' : outputType === 'image/png';
			const mimeType = png ? 'image/png' : 'image/jpeg';
			const encode = png ? encodePng : encodeJpeg;
			if (facts.thinks) {
				parts.push({ text: 'Planning the composition.', thought: true });
				parts.push({ inlineData: { mimeType, data: encode(64, 64, nextSeed()).toString('base64') }, thought: true });
			}
			if (modalities.includes('TEXT')) parts.push({ text: search ? `Here is the image, with figures from ${SEARCH_SOURCE.title}.` : 'Here is the image you asked for.' });
			parts.push({ inlineData: { mimeType, data: encode(w, h, nextSeed(), prompt).toString('base64') }, thoughtSignature: issueSignature() });
		}
		const served = settings.servedTier ?? tier;
		const grounding = search ? { groundingMetadata: groundingFor(prompt) } : {};
		return jsonAnswer(200, {
			candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0, ...grounding }],
			usageMetadata: usage(promptTokens, modalities.includes('IMAGE') ? facts.imageTokens(size === undefined ? undefined : String(size)) : 0, modalities.includes('TEXT') ? 12 : 0),
			modelVersion: model,
			responseId: randomBytes(8).toString('hex'),
		}, settings.tierHeader && !vertex ? { 'x-gemini-service-tier': served } : {});
	};

	/** The tier asked for (`standard` when none): one of Google's values, and one the test has not refused. */
	const checkTier = (value: unknown, model: string, vertex: boolean): string => {
		if (value === undefined) return 'standard';
		// Vertex AI takes its tier in a header, not in the body.
		if (vertex) throw invalid('Invalid JSON payload received. Unknown name "serviceTier": Cannot find field.');
		if (typeof value !== 'string' || !['standard', 'flex', 'priority'].includes(value.toLowerCase())) {
			throw invalid(`Invalid value at 'service_tier' (type.googleapis.com/google.ai.generativelanguage.v1beta.ServiceTier), ${JSON.stringify(value)}`);
		}
		const tier = value.toLowerCase();
		if (settings.refusedTiers.includes(tier)) throw invalid(`Service tier ${tier} is not supported for models/${model} on this project.`);
		return tier;
	};

	const startUpload = (req: GeminiRequest): Answer => {
		const h = (name: string) => headerValue(req.headers[name]).toLowerCase();
		if (h('x-goog-upload-protocol') !== 'resumable' || h('x-goog-upload-command') !== 'start') {
			throw invalid('Upload start needs X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start.');
		}
		const length = Number(h('x-goog-upload-header-content-length'));
		const mimeType = h('x-goog-upload-header-content-type');
		if (!Number.isInteger(length) || length <= 0) throw invalid('X-Goog-Upload-Header-Content-Length is missing or invalid.');
		if (!INPUT_TYPES.has(mimeType) && !JSONL_TYPES.has(mimeType)) throw invalid(`X-Goog-Upload-Header-Content-Type: unsupported MIME type ${JSON.stringify(mimeType)}`);
		const file = isObject(req.json?.file) ? req.json.file : {};
		const id = randomBytes(8).toString('hex');
		// Google's metadata is camelCase (`display_name` is the REST API's snake_case spelling, also taken).
		const displayName = file.displayName ?? file.display_name;
		if (file.sizeBytes !== undefined && String(file.sizeBytes) !== String(length)) throw invalid(`file.sizeBytes ${JSON.stringify(file.sizeBytes)} does not match X-Goog-Upload-Header-Content-Length ${length}.`);
		if (file.mimeType !== undefined && file.mimeType !== mimeType) throw invalid(`file.mimeType ${JSON.stringify(file.mimeType)} does not match X-Goog-Upload-Header-Content-Type ${mimeType}.`);
		uploads.set(id, { length, mimeType, displayName: typeof displayName === 'string' ? displayName : undefined });
		return jsonAnswer(200, {}, {
			'x-goog-upload-url': `${ctx.apiUrl}/google/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
			'x-goog-upload-status': 'active',
		});
	};

	const finishUpload = (req: GeminiRequest, id: string): Answer => {
		const upload = uploads.get(id);
		if (!upload) throw googleError(404, 'NOT_FOUND', 'Upload session not found.');
		if (headerValue(req.headers['x-goog-upload-command']).replace(/\s/g, '') !== 'upload,finalize' || headerValue(req.headers['x-goog-upload-offset']) !== '0') {
			throw invalid('The upload needs X-Goog-Upload-Command: upload, finalize and X-Goog-Upload-Offset: 0.');
		}
		if (req.raw.length !== upload.length) throw invalid(`Upload length ${req.raw.length} does not match the announced ${upload.length}.`);
		if (!JSONL_TYPES.has(upload.mimeType) && !readImageSize(req.raw)) throw invalid('The uploaded bytes are not an image.');
		uploads.delete(id);
		const name = `files/${randomBytes(6).toString('hex')}`;
		const stored: UploadedFile = { name, uri: `${ctx.apiUrl}/google/v1beta/${name}`, mimeType: upload.mimeType, bytes: req.raw, processingPolls: settings.processingPolls };
		files.set(name, stored);
		return jsonAnswer(200, { file: describe(stored) }, { 'x-goog-upload-status': 'final' });
	};

	const describe = (f: UploadedFile) => ({
		name: f.name,
		uri: f.uri,
		mimeType: f.mimeType,
		sizeBytes: String(f.bytes.length),
		state: f.processingPolls > 0 ? 'PROCESSING' : 'ACTIVE',
	});

	const batches = createBatchRoute(ctx, files, generate);

	return {
		files,
		settings,
		stats,
		generate,
		/** Batch mode (geminiBatch.ts): its jobs, settings and counts. */
		batches,
		reset(): void {
			batches.reset();
			files.clear();
			signatures.clear();
			stats.unstored = 0;
			stats.signaturesChecked = 0;
			uploads.clear();
			settings.processingPolls = 0;
			settings.retired = [];
			settings.listExtra = [];
			settings.refusedTiers = [];
			settings.servedTier = undefined;
			settings.tierHeader = true;
		},
		handle(req: GeminiRequest): Answer {
			const uploadId = req.query.get('upload_id');
			if (req.method === 'POST' && req.path === '/upload/v1beta/files' && uploadId) return finishUpload(req, uploadId);
			checkKey(req);
			if (req.method === 'GET' && req.path === '/v1beta/models') {
				return jsonAnswer(200, {
					models: [
						...[...GEMINI_MODELS, ...settings.listExtra].filter((id) => !settings.retired.includes(id)).map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent', 'countTokens'] })),
						{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', supportedGenerationMethods: ['generateContent'] },
						{ name: 'models/imagen-4.0-generate-001', displayName: 'Imagen 4', supportedGenerationMethods: ['predict'] },
					],
				});
			}
			const download = /^\/v1beta\/(files\/[^/:]+):download$/.exec(req.path);
			if (req.method === 'GET' && download && req.query.get('alt') === 'media') {
				const stored = files.get(download[1]);
				if (!stored) throw googleError(404, 'NOT_FOUND', `File ${download[1]} not found.`);
				return { status: 200, headers: { 'content-type': stored.mimeType }, body: stored.bytes };
			}
			const file = /^\/v1beta\/(files\/[^/]+)$/.exec(req.path);
			if (req.method === 'GET' && file) {
				const stored = files.get(file[1]);
				if (!stored) throw googleError(404, 'NOT_FOUND', `File ${file[1]} not found.`);
				if (stored.processingPolls > 0) stored.processingPolls--;
				return jsonAnswer(200, describe(stored));
			}
			if (req.method === 'POST' && req.path === '/upload/v1beta/files') return startUpload(req);
			const batch = batches.handle(req);
			if (batch) return batch;
			const call = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.path);
			if (req.method === 'POST' && call) return generate(decodeURIComponent(call[1]), req);
			throw googleError(404, 'NOT_FOUND', `Invalid URL (${req.method} ${req.path})`);
		},
	};
}

export type GeminiRoute = ReturnType<typeof createGeminiRoute>;
