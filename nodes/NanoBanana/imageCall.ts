/**
 * One item's work, top to bottom: read the item's settings and inputs, build the request in the
 * provider's wire format, send it with retries, collect every image the answer holds, and turn
 * each into an n8n binary item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { cutShort, imageBytes, textAnswerError } from './answerImages';
import { describeNonImage, readImageInfo } from './imageInfo';
import { dialectFor, normalizeBaseUrl } from './providers';
import { itemError } from './settings';
import type { CallScope } from './transport';
import { gatewayError, redact, sendWithRetries } from './transport';
import { openAiImagesCall } from './wireFormats/openAiImages';

export type { CallScope } from './transport';

export async function runImageCall(scope: CallScope): Promise<INodeExecutionData[]> {
	const { ctx, s } = scope;
	const credentials = await ctx.getCredentials(s.provider.credentialType, s.itemIndex);
	scope.secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		throw itemError(ctx, s.itemIndex, `The ${s.provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	const dialect = dialectFor(s.provider, credentials.dialect);
	const call = await openAiImagesCall(ctx, s, dialect, baseUrl);
	const common: IDataObject = {
		provider: s.provider.id,
		model: s.model,
		operation: s.operation,
		prompt: s.prompt,
	};

	const out: INodeExecutionData[] = [];
	const texts: string[] = [];
	for (let r = 0; r < call.requests; r++) {
		const answer = await sendWithRetries(scope, call);
		if (answer.images.length === 0) {
			if (s.onTextAnswer !== 'output') throw textAnswerError(scope, answer);
			texts.push(...answer.texts);
			continue;
		}
		for (const entry of answer.images) {
			const { bytes, url } = await imageBytes(scope, entry);
			const info = readImageInfo(bytes);
			if (!info) {
				throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is not an image`, `The bytes received: ${describeNonImage(bytes)}.`);
			}
			const missing = cutShort(bytes, info.mimeType);
			if (missing) {
				throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is cut short`, `${missing}; ${bytes.length} bytes arrived. Run again to get the whole image.`);
			}
			const index = out.length;
			const fileName = `nano-banana-${s.itemIndex}-${index}.${info.extension}`;
			const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, info.mimeType);
			const json: IDataObject = {
				...common,
				index,
				mimeType: info.mimeType,
				fileName,
				fileSize: bytes.length,
				width: info.width ?? null,
				height: info.height ?? null,
				aspectRatio: s.aspectRatio ?? 'auto',
				resolution: s.resolution ?? 'auto',
				created: answer.created ?? null,
			};
			if (answer.usage) json.usage = answer.usage;
			if (url) json.url = redact(url, scope.secret);
			if (entry.revisedPrompt) json.revisedPrompt = redact(entry.revisedPrompt, scope.secret);
			out.push({ json, binary: { [s.outputProperty]: binary }, pairedItem: { item: s.itemIndex } });
		}
	}

	const warnings = [...call.warnings];
	if (out.length < s.numberOfImages) {
		warnings.push(`Asked for ${s.numberOfImages} images, the gateway returned ${out.length}.`);
	}
	if (s.responseFormat === 'url' && out.some((o) => o.json.url === undefined)) {
		warnings.push('Asked for URL answers, but the gateway answered with base64 data (the image is the same).');
	}
	if (texts.length > 0) {
		// "On Text-Only Answer: Output the Text": the model's words as an item of their own.
		out.push({ json: { ...common, noImage: true, text: redact(texts.join('\n'), scope.secret) as string }, pairedItem: { item: s.itemIndex } });
	}
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}
