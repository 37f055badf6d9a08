/**
 * The chat-completions wire format (OpenRouter, and OpenAI-compatible gateways that serve the
 * Gemini image models at `/v1/chat/completions`): the prompt and the input images (data URLs,
 * base64 built straight into the body) in one user message, `modalities: ["image", "text"]`,
 * `image_config: {aspect_ratio, image_size}`; one image per call.
 * Answers put the image wherever the gateway likes (ROUTES.md): `message.images[]`, `content`
 * parts of type `image_url`, a data URL or a markdown image link in the text. All are images.
 */
import type { IDataObject } from 'n8n-workflow';

import type { GatewayAnswer } from '../gatewayAnswer';
import { addText, errorFromObject, isObject, str } from '../gatewayAnswer';
import { reportedCost } from '../models/cost';
import type { WireCall } from '../transport';
import { geminiImageConfig, mergeFields } from './geminiImageConfig';
import { imageSlots } from './jsonBody';
import type { CallPlan, WireFormat } from './wireFormat';

/** The link of an `image_url` entry: `{image_url: {url}}`, `{image_url: "..."}` or `{url}`. */
function linkOf(entry: unknown): string | undefined {
	if (!isObject(entry)) return str(entry);
	const inner = entry.image_url;
	if (isObject(inner)) return str(inner.url);
	return str(inner) ?? str(entry.url) ?? (str(entry.b64_json) ? `data:image/png;base64,${entry.b64_json as string}` : undefined);
}

function readMessage(answer: GatewayAnswer, message: Record<string, unknown>): void {
	if (Array.isArray(message.images)) {
		for (const image of message.images) {
			const url = linkOf(image);
			if (url) answer.images.push({ url });
		}
	}
	const content = message.content;
	if (typeof content === 'string') addText(answer, content);
	else if (Array.isArray(content)) {
		for (const part of content) {
			if (!isObject(part)) continue;
			if (part.type === 'image_url' || part.type === 'image' || part.image_url !== undefined) {
				const url = linkOf(part);
				if (url) answer.images.push({ url });
			} else if (str(part.text)) addText(answer, part.text as string);
		}
	}
	if (str(message.refusal) && answer.images.length === 0) answer.blocked = { reason: 'refusal', message: message.refusal as string };
}

function readChatAnswer(body: unknown): GatewayAnswer {
	const answer: GatewayAnswer = { images: [], texts: [] };
	if (!isObject(body)) {
		if (str(body)) addText(answer, body as string);
		return answer;
	}
	if (typeof body.created === 'number') answer.created = body.created;
	if (isObject(body.usage)) answer.usage = body.usage as IDataObject;
	const choices = Array.isArray(body.choices) ? body.choices : [];
	for (const choice of choices) {
		if (!isObject(choice)) continue;
		const before = answer.images.length;
		if (isObject(choice.message)) readMessage(answer, choice.message);
		else if (isObject(choice.delta)) readMessage(answer, choice.delta);
		const reason = str(choice.finish_reason);
		if (reason === 'content_filter' && answer.images.length === before) {
			answer.blocked = { reason: 'content_filter', message: str(choice.native_finish_reason) };
		}
	}
	if (answer.images.length === 0) answer.embeddedError = errorFromObject(body);
	return answer;
}

async function build(plan: CallPlan): Promise<WireCall> {
	const { scope, provider, baseUrl, inputs } = plan;
	const { s } = scope;
	const config = geminiImageConfig(plan, provider.sizeNames, { mediaResolution: false });
	const warnings = [...config.warnings];

	const slots = imageSlots();
	const content =
		inputs.images.length === 0
			? s.prompt
			: [
					{ type: 'text', text: s.prompt },
					...inputs.images.map((part) => ({ type: 'image_url', image_url: { url: `data:${part.contentType};base64,${slots.slot(part)}` } })),
				];
	const imageConfig: IDataObject = {};
	if (config.aspectRatio) imageConfig.aspect_ratio = config.aspectRatio;
	if (config.imageSize) imageConfig.image_size = config.imageSize;
	const fields: IDataObject = {
		model: s.model,
		messages: [{ role: 'user', content }],
		// Gemini image models answer with an image only when both are asked for.
		modalities: ['image', 'text'],
	};
	if (Object.keys(imageConfig).length > 0) fields.image_config = imageConfig;
	const template = mergeFields(fields, s.extraFields);

	return {
		url: `${baseUrl}/v1/chat/completions`,
		headers: { ...provider.headers },
		body: async () => await slots.build(template),
		read: readChatAnswer,
		requests: s.numberOfImages,
		warnings,
	};
}

export const chatCompletions: WireFormat = {
	id: 'chatCompletions',
	forwardsGoogleIds: true,
	maxInputs: (facts) => facts.record?.maxInputs,
	build,
	// OpenRouter: 400 "google/x is not a valid model ID"; other gateways: 404 or 400 naming the model.
	modelGone: (status, message) =>
		(status === 400 || status === 404) && /not a valid model|model\b.*\b(not found|does not exist|not exist)|no such model|unknown model/i.test(message),
	cost: (answer) => reportedCost(answer.usage, answer.images.length),
};
