/**
 * Google's Gemini API wire format: Generate and Edit are both
 * `POST {base}/v1beta/models/{model}:generateContent`, the prompt a text part, input images
 * `inlineData` parts (base64 built straight into the body) or, past the inline request limit,
 * `fileData` parts uploaded through the Files API first. One image per call.
 * Answers: `candidates[].content.parts[]` (`inlineData` images, `text`, `thought` parts skipped),
 * `finishReason`, `promptFeedback.blockReason`, `usageMetadata` (ROUTES.md).
 */
import type { IDataObject } from 'n8n-workflow';

import type { GatewayAnswer } from '../gatewayAnswer';
import { addText, errorFromObject, isObject, str } from '../gatewayAnswer';
import { catalogueCost } from '../models/cost';
import type { WireCall } from '../transport';
import { uploadToFilesApi } from './geminiFiles';
import { geminiImageConfig, mergeFields } from './geminiImageConfig';
import { base64Size, imageSlots } from './jsonBody';
import type { CallPlan, WireFormat } from './wireFormat';

/** Google's limit for a whole inline request (about 20 MB), less room for the JSON around the images. */
export const INLINE_REQUEST_LIMIT = 20 * 1024 * 1024 - 64 * 1024;

function readGeminiAnswer(body: unknown): GatewayAnswer {
	const answer: GatewayAnswer = { images: [], texts: [] };
	if (!isObject(body)) {
		if (str(body)) answer.texts.push(body as string);
		return answer;
	}
	// Google sends no creation time: the answer's arrival is when the image was made.
	answer.created = Math.floor(Date.now() / 1000);
	if (isObject(body.usageMetadata)) answer.usage = body.usageMetadata as IDataObject;
	const candidates = Array.isArray(body.candidates) ? body.candidates : [];
	for (const candidate of candidates) {
		if (!isObject(candidate)) continue;
		const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
		const before = answer.images.length;
		for (const part of parts) {
			// Gemini 3 models show their thinking as parts of their own (even draft images): not the answer.
			if (!isObject(part) || part.thought === true) continue;
			const inline = isObject(part.inlineData) ? part.inlineData : isObject(part.inline_data) ? part.inline_data : undefined;
			const data = inline ? str(inline.data) : undefined;
			if (data) answer.images.push({ b64: data });
			else if (str(part.text)) addText(answer, part.text as string);
		}
		const reason = str(candidate.finishReason) ?? str(candidate.finish_reason);
		if (reason && reason !== 'STOP' && answer.images.length === before) {
			answer.blocked = { reason, message: str(candidate.finishMessage) };
		}
	}
	const feedback = isObject(body.promptFeedback) ? body.promptFeedback : undefined;
	if (feedback && str(feedback.blockReason) && answer.images.length === 0) {
		answer.blocked = { reason: `prompt blocked (${feedback.blockReason as string})`, message: str(feedback.blockReasonMessage) };
	}
	if (answer.images.length === 0) answer.embeddedError = errorFromObject(body);
	return answer;
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
		url: `${baseUrl}/v1beta/models/${encodeURIComponent(s.model)}:generateContent`,
		headers: { ...provider.headers },
		body: async () => await slots.build(template),
		read: readGeminiAnswer,
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
};
