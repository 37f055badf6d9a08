/**
 * Google's Gemini API wire format: Generate and Edit are both
 * `POST {base}/v1beta/models/{model}:generateContent`, the prompt a text part, input images
 * `inlineData` parts (base64 built straight into the body) or, past the inline request limit,
 * `fileData` parts uploaded through the Files API first. One image per call.
 * The model is a resource name, as Google's own client sends it: `models/{id}` (an ID typed with
 * its `models/` prefix, or a `tunedModels/` one, goes as it is). Vertex AI speaks the same format at
 * the address its connection gives (`projects/{p}/locations/{l}/publishers/google/models/{id}`),
 * with `gs://` links as fileData, its output options, and no Files API. Answers: geminiAnswer.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { itemError } from '../errors';
import type { FilePart } from '../inputs/inputParts';
import { atTier, catalogueCost } from '../models/cost';
import { readGeminiAnswer } from './geminiAnswer';
import { uploadToFilesApi } from './geminiFiles';
import { geminiImageConfig, mergeFields } from './geminiImageConfig';
import type { Conversation } from '../inputs/inputConversation';
import { conversationAfter, historyFor, keptUserTurn, namingExpiredFiles } from './geminiConversation';
import { geminiRequestOptions } from './geminiOptions';
import { namingRefusedTier, readServedTier, sentTier, tierField } from './geminiTier';
import type { ImageSlots } from './jsonBody';
import { base64Size, imageSlots } from './jsonBody';
import { retryDelayInBody } from '../transport/retryPolicy';
import type { CallPlan, WireCall, WireFormat } from './wireFormat';
import { singlePost } from './wireFormat';
import type { Warning } from '../warnings';
import { unsupported } from '../warnings';

/** Google's limit for a whole inline request (about 20 MB), less room for the JSON around the images. */
export const INLINE_REQUEST_LIMIT = 20 * 1024 * 1024 - 64 * 1024;

/** `models/{id}` for an ID; a name that already is a resource (`models/x`, `tunedModels/x`) as it is. */
export function modelResource(model: string): string {
	const named = /^(models|tunedModels)\/(.+)$/.exec(model);
	return named ? `${named[1]}/${encodeURIComponent(named[2])}` : `models/${encodeURIComponent(model)}`;
}

/**
 * The inputs that go as files rather than inline: Cloud Storage links as they are (Vertex AI reads
 * them), and past the inline limit the largest inputs through the Files API until the rest fits.
 * A route without a Files API says how large it can take instead.
 */
async function fileParts(plan: CallPlan): Promise<Map<FilePart, { mimeType: string; fileUri: string }>> {
	const { scope, provider, inputs } = plan;
	const files = new Map<FilePart, { mimeType: string; fileUri: string }>();
	for (const part of inputs.images) if (part.storageUri) files.set(part, { mimeType: part.contentType, fileUri: part.storageUri });
	const promptBytes = Buffer.byteLength(scope.s.prompt);
	let inline = inputs.images.filter((p) => !files.has(p));
	for (const part of [...inline].sort((a, b) => b.size - a.size)) {
		if (base64Size(inline) + promptBytes <= INLINE_REQUEST_LIMIT) break;
		if (provider.gemini?.filesApi === false) {
			throw itemError(
				scope.ctx,
				scope.s.itemIndex,
				`The input images are too large for ${provider.displayName}: ${Math.ceil((base64Size(inline) + promptBytes) / 1024 / 1024)} MB in one request, where it takes about 20 MB inline`,
				`${provider.displayName} has no Files API. Put the large images in Cloud Storage and give their gs:// links under Image URLs (Image Source: Image URLs), or send smaller images.`,
			);
		}
		files.set(part, await uploadToFilesApi(plan, part));
		inline = inline.filter((p) => p !== part);
	}
	return files;
}

/** Vertex AI's output options (`imageConfig.imageOutputOptions`), on routes that take them. */
function outputOptions(plan: CallPlan, warnings: Warning[]): IDataObject | undefined {
	const { s } = plan.scope;
	if (!plan.provider.gemini?.outputOptions) return undefined;
	const jpeg = s.outputMimeType === 'image/jpeg';
	if (s.jpegQuality !== undefined && !jpeg) {
		warnings.push(unsupported('jpegQuality', `JPEG Quality ${s.jpegQuality} was not sent: it applies to Output Format JPEG only, and this image comes as ${s.outputMimeType === 'image/png' ? 'PNG' : "the model's own format (PNG)"}.`));
	}
	if (!s.outputMimeType) return undefined;
	return jpeg && s.jpegQuality !== undefined ? { mimeType: s.outputMimeType, compressionQuality: s.jpegQuality } : { mimeType: s.outputMimeType };
}

/** The model's method: where the connection puts it (a Vertex AI project), else the Gemini API's `v1beta/models/{id}`. */
function modelUrl(plan: CallPlan, method: string): string {
	const model = plan.scope.s.model;
	return plan.scope.connection?.modelUrl?.(model, method) ?? `${plan.baseUrl}/v1beta/${modelResource(model)}:${method}`;
}

/** One call's generateContent request: its JSON with a slot for each inline image, and the settings it could not send. */
export interface GenerateContentRequest {
	template: IDataObject;
	slots: ImageSlots;
	warnings: Warning[];
	/** The inputs that went to the Files API (too large to send inline). */
	files: Map<FilePart, { mimeType: string; fileUri: string }>;
}

/**
 * The request of one item's call (inputs too large to go inline are uploaded first), without the
 * tier: the caller adds it. With a conversation, its turns come first and this call's user turn last.
 */
export async function generateContentRequest(plan: CallPlan, history?: Conversation): Promise<GenerateContentRequest> {
	const { scope, inputs } = plan;
	const { s } = scope;
	const config = geminiImageConfig(plan, {}, { mediaResolution: true });
	const warnings = [...config.warnings];

	const slots = imageSlots();
	const files = await fileParts(plan);
	const parts: IDataObject[] = [{ text: s.prompt }];
	for (const part of inputs.images) {
		const file = files.get(part);
		parts.push(file ? { fileData: file } : { inlineData: { mimeType: part.contentType, data: slots.slot(part) } });
	}

	const imageConfig: IDataObject = {};
	if (config.aspectRatio) imageConfig.aspectRatio = config.aspectRatio;
	if (config.imageSize) imageConfig.imageSize = config.imageSize;
	const output = outputOptions(plan, warnings);
	if (output) imageConfig.imageOutputOptions = output;
	const options = geminiRequestOptions(plan);
	warnings.push(...options.warnings);
	const generationConfig: IDataObject = { responseModalities: s.includeText || options.needsText ? ['TEXT', 'IMAGE'] : ['IMAGE'] };
	if (Object.keys(imageConfig).length > 0) generationConfig.imageConfig = imageConfig;
	if (s.mediaResolution) generationConfig.mediaResolution = s.mediaResolution;
	Object.assign(generationConfig, options.generationConfig);
	return { template: { contents: [...(history?.turns ?? []), { role: 'user', parts }], generationConfig, ...options.request }, slots, warnings, files };
}

async function build(plan: CallPlan): Promise<WireCall> {
	const { scope, provider, baseUrl } = plan;
	const { s } = scope;
	const warnings: Warning[] = [];
	const history = historyFor(scope, warnings);
	const request = await generateContentRequest(plan, history);
	const tier = sentTier(scope);
	const template = mergeFields({ ...request.template, ...tierField(tier) }, s.extraFields);
	const read = (json: unknown, headers: Record<string, unknown>) => readServedTier(readGeminiAnswer(json, baseUrl), headers, tier);
	let exchange = namingRefusedTier(scope, singlePost(modelUrl(plan, 'generateContent'), { ...provider.headers }, async () => await request.slots.build(template), read));
	exchange = namingExpiredFiles(scope, history, exchange);
	// A conversation to go on from: this turn's inputs uploaded once, each answer's images after it.
	if ((s.keepConversation || history) && provider.gemini?.filesApi) {
		const user = await keptUserTurn(plan, request.files);
		const sendOnly = exchange;
		exchange = async (steps) => {
			const answer = await sendOnly(steps);
			const conversation = await conversationAfter(plan, steps, { history, user }, answer);
			return conversation ? { ...answer, extraJson: { ...answer.extraJson, conversation } } : answer;
		};
	}
	// The API makes one image per call.
	return { exchange, requests: s.numberOfImages, warnings: [...warnings, ...request.warnings] };
}

export const geminiGenerateContent: WireFormat = {
	id: 'geminiGenerateContent',
	forwardsGoogleIds: true,
	maxInputs: (facts) => facts.record?.maxInputs,
	build,
	// "models/x is not found for API version v1beta, or is not supported for generateContent".
	// Vertex AI: "Publisher Model `projects/.../models/x` was not found or your project does not have access to it."
	modelGone: (status, message) => status === 404 && /\bmodels\/\S+ is not found|Publisher Model .* was not found|NOT_FOUND/i.test(message),
	cost: (answer, facts, image) => atTier(catalogueCost(facts.record, answer.usage, image, answer.images.length), answer.serviceTier),
	// Google puts its retry delay in the error body (a RetryInfo with retryDelay "13s"), not in Retry-After.
	retryDelay: retryDelayInBody,
};
