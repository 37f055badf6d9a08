/**
 * Reading a chat-completions answer (OpenRouter, gateways' chat endpoints) into the node's one
 * answer shape. Gateways put the image wherever they like (ROUTES.md): `message.images[]`,
 * `content` parts of type `image_url`, a data URL or a markdown image link in the text; all are
 * images. A choice can carry its own error (`choices[].error`, `finish_reason: "error"`), and
 * OpenRouter passes Google's own finish reason on as `native_finish_reason`, whatever
 * `finish_reason` says.
 */
import type { IDataObject } from 'n8n-workflow';

import { endedEarly } from '../answers/finishReasons';
import { httpStatusOf } from '../errors';
import type { GatewayAnswer } from '../answers/gatewayAnswer';
import { addText, errorFromObject, isObject, str } from '../answers/gatewayAnswer';

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
}

/** A choice's own error: `{code, message, metadata}`. Worth another try only for a 429 or a 5xx. */
function choiceError(error: Record<string, unknown>): NonNullable<GatewayAnswer['embeddedError']> {
	const code = error.code === undefined || error.code === null ? undefined : String(error.code);
	const status = httpStatusOf(code);
	const provider = isObject(error.metadata) ? str(error.metadata.provider_name) : undefined;
	const message = str(error.message) ?? 'no message';
	return { message: provider ? `${message} (upstream: ${provider})` : message, code, retryable: status !== undefined && (status === 429 || status >= 500) };
}

export function readChatAnswer(body: unknown): GatewayAnswer {
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
		const message = isObject(choice.message) ? choice.message : isObject(choice.delta) ? choice.delta : undefined;
		if (message) readMessage(answer, message);
		if (isObject(choice.error) && answer.images.length === before) answer.embeddedError = choiceError(choice.error);
		// Google's reason, when OpenRouter passes it on, says more than the OpenAI-style one.
		const reason = str(choice.native_finish_reason) ?? str(choice.finish_reason);
		const refusal = message ? str(message.refusal) : undefined;
		const explains = answer.images.length === before && (endedEarly(reason) || refusal !== undefined);
		if (refusal && explains) answer.finish = { reason: 'refusal', message: refusal };
		else if (reason && (!answer.finish || explains)) answer.finish = { reason, message: reason === choice.finish_reason ? undefined : str(choice.finish_reason) };
	}
	if (answer.images.length === 0 && !answer.embeddedError) answer.embeddedError = errorFromObject(body);
	return answer;
}
