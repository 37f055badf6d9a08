/**
 * Google's Gemini API wire format: Generate and Edit are both
 * `POST {base}/v1beta/models/{model}:generateContent`, the prompt a text part, input images
 * `inlineData` parts (base64 built straight into the body) or, past the inline request limit,
 * `fileData` parts uploaded through the Files API first. One image per call.
 * The model is a resource name, as Google's own client sends it: `models/{id}` (an ID typed with
 * its `models/` prefix, or a `tunedModels/` one, goes as it is). Answers: geminiAnswer.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { catalogueCost } from '../models/cost';
import { readGeminiAnswer } from './geminiAnswer';
import { uploadToFilesApi } from './geminiFiles';
import { geminiImageConfig, mergeFields } from './geminiImageConfig';
import { base64Size, imageSlots } from './jsonBody';
import { retryDelayInBody } from '../transport/retryPolicy';
import type { CallPlan, WireCall, WireFormat } from './wireFormat';
import { singlePost } from './wireFormat';

/** Google's limit for a whole inline request (about 20 MB), less room for the JSON around the images. */
export const INLINE_REQUEST_LIMIT = 20 * 1024 * 1024 - 64 * 1024;

/** `models/{id}` for an ID; a name that already is a resource (`models/x`, `tunedModels/x`) as it is. */
export function modelResource(model: string): string {
	const named = /^(models|tunedModels)\/(.+)$/.exec(model);
	return named ? `${named[1]}/${encodeURIComponent(named[2])}` : `models/${encodeURIComponent(model)}`;
}

async function build(plan: CallPlan): Promise<WireCall> {
	const { scope, provider, baseUrl, inputs } = plan;
	const { s } = scope;
	const config = geminiImageConfig(plan, {}, { mediaResolution: true });
	const warnings = [...config.warnings];

	// Inputs over the inline limit go through the Files API, largest first, until the rest fits.
	const slots = imageSlots();
	const promptBytes = Buffer.byteLength(s.prompt);
	let inline = [...inputs.images];
	const uploaded = new Map<(typeof inline)[number], { mimeType: string; fileUri: string }>();
	for (const part of [...inputs.images].sort((a, b) => b.size - a.size)) {
		if (base64Size(inline) + promptBytes <= INLINE_REQUEST_LIMIT) break;
		uploaded.set(part, await uploadToFilesApi(plan, part));
		inline = inline.filter((p) => p !== part);
	}
	const parts: IDataObject[] = [{ text: s.prompt }];
	for (const part of inputs.images) {
		const file = uploaded.get(part);
		parts.push(file ? { fileData: file } : { inlineData: { mimeType: part.contentType, data: slots.slot(part) } });
	}

	const imageConfig: IDataObject = {};
	if (config.aspectRatio) imageConfig.aspectRatio = config.aspectRatio;
	if (config.imageSize) imageConfig.imageSize = config.imageSize;
	const generationConfig: IDataObject = { responseModalities: s.includeText ? ['TEXT', 'IMAGE'] : ['IMAGE'] };
	if (Object.keys(imageConfig).length > 0) generationConfig.imageConfig = imageConfig;
	if (s.mediaResolution) generationConfig.mediaResolution = s.mediaResolution;
	const template = mergeFields({ contents: [{ role: 'user', parts }], generationConfig }, s.extraFields);

	return {
		exchange: singlePost(`${baseUrl}/v1beta/${modelResource(s.model)}:generateContent`, { ...provider.headers }, async () => await slots.build(template), (json) => readGeminiAnswer(json, baseUrl)),
		// The API makes one image per call.
		requests: s.numberOfImages,
		warnings,
	};
}

export const geminiGenerateContent: WireFormat = {
	id: 'geminiGenerateContent',
	forwardsGoogleIds: true,
	maxInputs: (facts) => facts.record?.maxInputs,
	build,
	// "models/x is not found for API version v1beta, or is not supported for generateContent".
	modelGone: (status, message) => status === 404 && /\bmodels\/\S+ is not found|NOT_FOUND/i.test(message),
	cost: (answer, facts, image) => catalogueCost(facts.record, answer.usage, image, answer.images.length),
	// Google puts its retry delay in the error body (a RetryInfo with retryDelay "13s"), not in Retry-After.
	retryDelay: retryDelayInBody,
};
