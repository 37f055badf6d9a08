/**
 * The end of the pipeline: every image the answers hold as an n8n item (its bytes checked,
 * stored through n8n's binary helpers, described in json with its real size), the text item of a
 * text-only answer, and the warnings, turned into text here and only here.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { CallScope } from '../callScope';
import { describeNonImage, readImageInfo } from '../images/imageInfo';
import type { AspectRatio } from '../models/imageSizes';
import { gatewayError, scrub } from '../errors';
import type { Warning } from '../warnings';
import { notice, reported, warningText } from '../warnings';
import type { WireCall, WireFormat } from '../wireFormats/wireFormat';
import { cutShort, imageBytes } from './answerImages';
import type { GatewayAnswer, ImageEntry } from './gatewayAnswer';

/** What one round of an item's requests brought. */
export interface Sent {
	call: WireCall;
	aspectRatio?: AspectRatio;
	planWarnings: Warning[];
	answers: GatewayAnswer[];
	texts: string[];
	/** How the first text-only answer ended (Gemini's finishReason, a chat finish_reason). */
	finishReason?: string;
	failures: unknown[];
	/** Every request failed because the provider has no such model: its status and words. */
	gone?: { status: number; text: string };
}

function commonJson({ s }: CallScope): IDataObject {
	return { provider: s.provider.id, model: s.model, operation: s.operation, prompt: s.prompt };
}

/** Everything worth telling about the item's call, in order: the model's, the plan's, the route's, the results'. */
function warningsOf(scope: CallScope, sent: Sent, modelWarnings: Warning[], images: INodeExecutionData[]): Warning[] {
	const { s } = scope;
	const warnings = [...modelWarnings, ...sent.planWarnings, ...sent.call.warnings, ...sent.answers.flatMap((a) => a.notes ?? [])];
	for (const failure of sent.failures) warnings.push(notice(`One of the ${sent.call.requests} requests brought no image: ${scrub(scope, (failure as Error).message)}`));
	const made = images.filter((o) => o.json.thought !== true).length;
	if (made < s.numberOfImages) warnings.push(notice(`Asked for ${s.numberOfImages} images, the gateway returned ${made}.`));
	if (s.responseFormat === 'url' && !reported(sent.call.warnings, 'responseFormat') && images.some((o) => o.json.url === undefined)) {
		warnings.push(notice('Asked for URL answers, but the gateway answered with base64 data (the image is the same).'));
	}
	return warnings;
}

/** Every image the answers hold as an n8n item, then the text item and the warnings. */
export async function toItems(scope: CallScope, format: WireFormat, sent: Sent, modelWarnings: Warning[]): Promise<INodeExecutionData[]> {
	const { s } = scope;
	const out: INodeExecutionData[] = [];
	for (const answer of sent.answers) {
		for (const entry of answer.images) out.push(await imageItem(scope, format, sent, answer, entry, out.length));
		// "Include Thoughts": the model's drafts as items of their own, after its answer.
		if (s.includeThoughts) for (const entry of answer.thoughts ?? []) out.push(await imageItem(scope, format, sent, answer, entry, out.length, true));
	}
	const warnings = [...new Set(warningsOf(scope, sent, modelWarnings, out).map(warningText))];
	if (sent.texts.length > 0) {
		// "On Text-Only Answer: Output the Text": the model's words as an item of their own.
		const finish = sent.finishReason ? { finishReason: sent.finishReason } : {};
		out.push({ json: { ...commonJson(scope), noImage: true, text: scrub(scope, sent.texts.join('\n')), ...finish }, pairedItem: { item: s.itemIndex } });
	}
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}

/** One image: its bytes checked, stored through n8n's binary helpers, described in json. */
async function imageItem(scope: CallScope, format: WireFormat, sent: Sent, answer: GatewayAnswer, entry: ImageEntry, index: number, thought = false): Promise<INodeExecutionData> {
	const { ctx, s } = scope;
	const { bytes, url } = await imageBytes(scope, entry);
	const info = readImageInfo(bytes);
	if (!info) {
		throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is not an image`, `The bytes received: ${describeNonImage(bytes)}.`);
	}
	const missing = cutShort(bytes, info.mimeType);
	if (missing) {
		throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is cut short`, `${missing}; ${bytes.length} bytes arrived. Run again to get the whole image.`);
	}
	const fileName = `nano-banana-${s.itemIndex}-${index}.${info.extension}`;
	const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, info.mimeType);
	const json: IDataObject = {
		...commonJson(scope),
		index,
		mimeType: info.mimeType,
		fileName,
		fileSize: bytes.length,
		width: info.width ?? null,
		height: info.height ?? null,
		aspectRatio: s.matchInput ? (sent.aspectRatio ?? 'matchInput') : (s.aspectRatio ?? 'auto'),
		resolution: s.resolution ?? 'auto',
		created: answer.created ?? null,
	};
	if (thought) json.thought = true;
	if (answer.usage) json.usage = answer.usage;
	if (answer.serviceTier) json.serviceTier = answer.serviceTier;
	// The answer's cost is its image's: a draft is part of it, not priced again.
	const cost = thought ? undefined : format.cost(answer, s.facts, info);
	if (cost) json.cost = cost;
	if (answer.grounding) json.grounding = answer.grounding;
	if (answer.extraJson && !thought) Object.assign(json, answer.extraJson);
	if (url) json.url = scrub(scope, url);
	if (entry.revisedPrompt) json.revisedPrompt = scrub(scope, entry.revisedPrompt);
	if (answer.texts.length > 0) json.text = scrub(scope, answer.texts.join('\n'));
	return { json, binary: { [s.outputProperty]: binary }, pairedItem: { item: s.itemIndex } };
}
