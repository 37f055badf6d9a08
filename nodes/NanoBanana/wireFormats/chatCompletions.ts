/**
 * The chat-completions wire format (OpenRouter, and OpenAI-compatible gateways that serve the
 * Gemini image models at `/v1/chat/completions`): the prompt and the input images (data URLs,
 * base64 built straight into the body) in one user message, `modalities: ["image", "text"]`,
 * `image_config: {aspect_ratio, image_size}`; one image per call.
 * Models the provider describes as image-only (OpenRouter: every vendor but Google) are asked
 * for `modalities: ["image"]`. Answers: chatAnswer.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { reportedCost } from '../models/cost';
import { readChatAnswer } from './chatAnswer';
import { unsupported } from '../warnings';
import { geminiImageConfig, mergeFields } from './geminiImageConfig';
import { imageSlots } from './jsonBody';
import type { CallPlan, WireCall, WireFormat } from './wireFormat';
import { singlePost } from './wireFormat';

async function build(plan: CallPlan): Promise<WireCall> {
	const { scope, provider, baseUrl, inputs } = plan;
	const { s } = scope;
	const config = geminiImageConfig(plan, provider.sizeNames, { mediaResolution: false });
	const warnings = [...config.warnings];

	const imageOnly = provider.imageOnlyModels?.test(s.model) === true;
	if (imageOnly && s.includeText) warnings.push(unsupported('includeText', `"Include the Model's Text" has no effect: ${provider.displayName} serves "${s.model}" as a model that answers with images only.`));

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
		// Gemini image models answer with an image only when both are asked for; image-only models want just "image".
		modalities: imageOnly ? ['image'] : ['image', 'text'],
	};
	if (Object.keys(imageConfig).length > 0) fields.image_config = imageConfig;
	const template = mergeFields(fields, s.extraFields);

	return {
		exchange: singlePost(`${baseUrl}/v1/chat/completions`, { ...provider.headers }, async () => await slots.build(template), readChatAnswer),
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
