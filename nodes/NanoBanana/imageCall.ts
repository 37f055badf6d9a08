/**
 * One item's work, top to bottom: read the item's settings and inputs, build the request in the
 * provider's wire format, send it with retries, collect every image the answer holds, and turn
 * each into an n8n binary item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { accountSlots } from './accountGate';
import { cutShort, imageBytes, textAnswerError } from './answerImages';
import type { GatewayAnswer } from './gatewayAnswer';
import { describeNonImage, readImageInfo } from './imageInfo';
import type { InputImages } from './inputImages';
import { readInputs } from './inputImages';
import { isNanoBanana2 } from './models';
import type { AspectRatio } from './providers';
import { ASPECT_RATIOS, NANO_BANANA_2_RATIOS, dialectFor, nearestRatio, normalizeBaseUrl, wireFormatFor } from './providers';
import { itemError } from './settings';
import type { CallScope } from './transport';
import { gatewayError, redact, sendWithRetries } from './transport';
import { WIRE_FORMATS } from './wireFormats';

export type { CallScope } from './transport';

/** Edit's "Match First Input Image": the ratio the model takes that is closest to the image's shape. */
function matchedRatio(scope: CallScope, inputs: InputImages, warnings: string[]): AspectRatio | undefined {
	const { s } = scope;
	const first = inputs.images[0];
	if (!first?.width || !first.height) {
		warnings.push(`"Match First Input Image" was not applied: the size of "${first?.property ?? 'the first image'}" could not be read, so the ratio was left to the model.`);
		return undefined;
	}
	const ratios = isNanoBanana2(s.model) ? ASPECT_RATIOS : ASPECT_RATIOS.filter((r) => !NANO_BANANA_2_RATIOS.includes(r));
	return nearestRatio(first.width, first.height, ratios);
}

export async function runImageCall(scope: CallScope): Promise<INodeExecutionData[]> {
	const { ctx, s } = scope;
	const credentials = await ctx.getCredentials(s.provider.credentialType, s.itemIndex);
	scope.secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	scope.gate = scope.gate.withAccount(accountSlots(ctx, s.itemIndex, s.provider.credentialType, credentials));
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		throw itemError(ctx, s.itemIndex, `The ${s.provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	const dialect = dialectFor(s.provider, credentials.dialect);
	const format = WIRE_FORMATS[wireFormatFor(s.provider, credentials.endpoint)];
	const inputs = await readInputs(scope, format.maxInputs(s.model, dialect), s.provider.displayName);
	const planWarnings: string[] = [];
	const aspectRatio = s.matchInput ? matchedRatio(scope, inputs, planWarnings) : s.aspectRatio;
	const call = await format.build({ scope, provider: s.provider, baseUrl, dialect, inputs, aspectRatio });
	const common: IDataObject = {
		provider: s.provider.id,
		model: s.model,
		operation: s.operation,
		prompt: s.prompt,
	};

	// Routes with no image count get one request per image: they run side by side (the gate caps
	// them with the rest of the batch). A request that fails does not cost the images the others
	// brought: those come out, with the failure in the warnings; only when none worked does the item fail.
	const settled = await Promise.allSettled(Array.from({ length: call.requests }, async () => await sendWithRetries(scope, call)));
	const failures: unknown[] = [];
	const answers: GatewayAnswer[] = [];
	const texts: string[] = [];
	for (const result of settled) {
		if (result.status === 'rejected') failures.push(result.reason);
		else if (result.value.images.length > 0) answers.push(result.value);
		else if (s.onTextAnswer === 'output') texts.push(...result.value.texts);
		else failures.push(textAnswerError(scope, result.value));
	}
	if (answers.length === 0 && texts.length === 0 && failures.length > 0) throw failures[0];

	const out: INodeExecutionData[] = [];
	for (const answer of answers) {
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
				aspectRatio: s.matchInput ? (aspectRatio ?? 'matchInput') : (s.aspectRatio ?? 'auto'),
				resolution: s.resolution ?? 'auto',
				created: answer.created ?? null,
			};
			if (answer.usage) json.usage = answer.usage;
			if (url) json.url = redact(url, scope.secret);
			if (entry.revisedPrompt) json.revisedPrompt = redact(entry.revisedPrompt, scope.secret);
			if (answer.texts.length > 0) json.text = redact(answer.texts.join('\n'), scope.secret);
			out.push({ json, binary: { [s.outputProperty]: binary }, pairedItem: { item: s.itemIndex } });
		}
	}

	const warnings = [...planWarnings, ...call.warnings];
	const images = out.length;
	for (const failure of failures) {
		warnings.push(`One of the ${call.requests} requests brought no image: ${redact((failure as Error).message, scope.secret)}`);
	}
	if (images < s.numberOfImages) {
		warnings.push(`Asked for ${s.numberOfImages} images, the gateway returned ${images}.`);
	}
	const reported = call.warnings.some((w) => w.startsWith('Response format'));
	if (s.responseFormat === 'url' && !reported && out.some((o) => o.json.url === undefined)) {
		warnings.push('Asked for URL answers, but the gateway answered with base64 data (the image is the same).');
	}
	if (texts.length > 0) {
		// "On Text-Only Answer: Output the Text": the model's words as an item of their own.
		out.push({ json: { ...common, noImage: true, text: redact(texts.join('\n'), scope.secret) as string }, pairedItem: { item: s.itemIndex } });
	}
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}
