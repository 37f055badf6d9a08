/**
 * Reading an OpenAI Images answer into the node's one answer shape: the images in an OpenAI-style
 * `data` array, and the ways such an answer can carry no image at all (seen in the wild, see
 * N8N-NOTES.md): an empty `data`, entries with only the model's words, a chat-completions-shaped
 * fallback, an `error` object inside an HTTP 200.
 */
import type { GatewayAnswer } from '../answers/gatewayAnswer';
import { addText, errorFromObject, isObject, str } from '../answers/gatewayAnswer';
import type { IDataObject } from 'n8n-workflow';

/** Text that a chat-style or odd gateway answer carries: content, text, revised prompts. */
function textsOf(entry: Record<string, unknown>): string[] {
	const texts: string[] = [];
	for (const key of ['revised_prompt', 'text', 'content', 'message']) {
		const value = entry[key];
		if (str(value)) texts.push(value as string);
		else if (isObject(value) && str(value.content)) texts.push(value.content as string);
	}
	return texts;
}

export function readOpenAiImagesAnswer(body: unknown): GatewayAnswer {
	const answer: GatewayAnswer = { images: [], texts: [] };
	if (!isObject(body)) {
		if (str(body)) answer.texts.push(body as string);
		return answer;
	}
	if (typeof body.created === 'number') answer.created = body.created;
	if (isObject(body.usage)) answer.usage = body.usage as IDataObject;

	const data = Array.isArray(body.data) ? body.data : [];
	for (const entry of data) {
		if (!isObject(entry)) continue;
		const b64 = str(entry.b64_json);
		const url = str(entry.url);
		const revisedPrompt = str(entry.revised_prompt);
		if (b64 || url) answer.images.push({ b64, url, revisedPrompt });
		else for (const text of textsOf(entry)) addText(answer, text);
	}
	// Chat-completions-shaped answers some gateways fall back to.
	if (Array.isArray(body.choices)) {
		for (const choice of body.choices) if (isObject(choice)) for (const text of textsOf(choice)) addText(answer, text);
	}
	if (answer.images.length === 0) answer.embeddedError = errorFromObject(body);
	return answer;
}
