/**
 * One item's work, top to bottom: open the route (credential, base URL, wire format), choose the
 * model to send (a retired one's replacement) and check what it takes, read the item's inputs,
 * build the request in the route's wire format, send it with retries (once more with the
 * replacement when the provider answers that a deprecated model is gone), collect every image the
 * answer holds, and turn each into an n8n binary item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { accountSlots } from './accountGate';
import { checkAnswer, textAnswerError } from './answerCheck';
import { cutShort, imageBytes } from './answerImages';
import type { GatewayAnswer, ImageEntry } from './gatewayAnswer';
import { describeNonImage, readImageInfo } from './imageInfo';
import type { InputImages } from './inputImages';
import { readInputs } from './inputImages';
import type { AspectRatio } from './models/imageSizes';
import { nearestRatio } from './models/imageSizes';
import type { ModelChoice } from './models/modelChoice';
import { afterGone, chooseModel } from './models/modelChoice';
import { modelIds } from './models/modelList';
import { limitRefusal, matchRatios } from './models/modelLimits';
import type { Dialect } from './providers';
import { dialectFor, normalizeBaseUrl, wireFormatFor } from './providers';
import { itemError } from './settings';
import type { CallScope, WireCall } from './transport';
import { failureOf, gatewayError, redact, requestWithRetries, sendWithRetries } from './transport';
import { WIRE_FORMATS } from './wireFormats';
import type { WireFormat } from './wireFormats/wireFormat';

export type { CallScope } from './transport';

/** The route one item's calls take: where, in which wire format and field dialect. */
interface Route {
	baseUrl: string;
	dialect: Dialect;
	format: WireFormat;
}

/** What one round of an item's requests brought. */
interface Sent {
	call: WireCall;
	aspectRatio?: AspectRatio;
	planWarnings: string[];
	answers: GatewayAnswer[];
	texts: string[];
	/** How the first text-only answer ended (Gemini's finishReason, a chat finish_reason). */
	finishReason?: string;
	failures: unknown[];
	/** Every request failed because the provider has no such model: its status and words. */
	gone?: { status: number; text: string };
}

/** A retired model's replacement may itself be retired: the catalogue's chains are short. */
const MAX_REPLACEMENTS = 3;

export async function runImageCall(scope: CallScope): Promise<INodeExecutionData[]> {
	const route = await openRoute(scope);
	let choice = chooseModel(scope.s.provider, route.format.forwardsGoogleIds, scope.s.model, route.baseUrl);
	let current = withModel(scope, choice);
	const inputs = await readInputs(current, route.format.maxInputs(current.s.facts, current.s.model, route.dialect), current.s.provider.displayName);
	let sent = await sendItem(current, route, inputs);
	for (let n = 0; sent.gone && choice.onGone && n < MAX_REPLACEMENTS; n++) {
		choice = afterGone(scope.s.provider, choice, route.baseUrl);
		current = withModel(scope, choice);
		sent = await sendItem(current, route, inputs);
	}
	if (sent.gone) throw await modelNotFound(current, route, sent.gone);
	return await toItems(current, route.format, sent, choice.warnings);
}

/** The credential's key, base URL and account gate; the wire format and dialect it selects. */
async function openRoute(scope: CallScope): Promise<Route> {
	const { ctx, s } = scope;
	const credentials = await ctx.getCredentials(s.provider.credentialType, s.itemIndex);
	scope.secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	scope.gate = scope.gate.withAccount(accountSlots(ctx, s.itemIndex, s.provider.credentialType, credentials));
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		throw itemError(ctx, s.itemIndex, `The ${s.provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	return { baseUrl, dialect: dialectFor(s.provider, credentials), format: WIRE_FORMATS[wireFormatFor(s.provider, credentials.endpoint)] };
}

/** The item's settings with the model to send; a ratio or size that model lacks stops here, before any request. */
function withModel(scope: CallScope, choice: ModelChoice): CallScope {
	const s = { ...scope.s, model: choice.sent, facts: choice.facts };
	const refusal = limitRefusal(s.facts, s.model, s.aspectRatio, s.resolution);
	if (refusal) throw itemError(scope.ctx, s.itemIndex, refusal.message, refusal.hint);
	return { ...scope, s };
}

/** Edit's "Match First Input Image": the ratio the model takes that is closest to the image's shape. */
function matchedRatio(scope: CallScope, inputs: InputImages, warnings: string[]): AspectRatio | undefined {
	const first = inputs.images[0];
	if (!first?.width || !first.height) {
		warnings.push(`"Match First Input Image" was not applied: the size of "${first?.property ?? 'the first image'}" could not be read, so the ratio was left to the model.`);
		return undefined;
	}
	return nearestRatio(first.width, first.height, matchRatios(scope.s.facts));
}

/**
 * Build the item's call and send its requests. Routes with no image count get one request per
 * image: they run side by side (the gate caps them with the rest of the batch). A request that
 * fails does not cost the images the others brought; only when none worked does the item fail.
 */
async function sendItem(scope: CallScope, route: Route, inputs: InputImages): Promise<Sent> {
	const { s } = scope;
	const planWarnings: string[] = [];
	const aspectRatio = s.matchInput ? matchedRatio(scope, inputs, planWarnings) : s.aspectRatio;
	const call = await route.format.build({ scope, provider: s.provider, baseUrl: route.baseUrl, dialect: route.dialect, inputs, aspectRatio });
	const settled = await Promise.allSettled(Array.from({ length: call.requests }, async () => await sendWithRetries(scope, call, checkAnswer)));
	const sent: Sent = { call, aspectRatio, planWarnings, answers: [], texts: [], failures: [] };
	for (const result of settled) {
		if (result.status === 'rejected') sent.failures.push(result.reason);
		else if (result.value.images.length > 0) sent.answers.push(result.value);
		else if (s.onTextAnswer === 'output') {
			sent.texts.push(...result.value.texts);
			sent.finishReason ??= result.value.finish?.reason;
		}
		else sent.failures.push(textAnswerError(scope, result.value));
	}
	if (sent.answers.length === 0 && sent.texts.length === 0 && sent.failures.length > 0) {
		const gone = sent.failures.map(failureOf).find((f) => f !== undefined && route.format.modelGone(f.status, f.text));
		if (gone) return { ...sent, gone };
		throw sent.failures[0];
	}
	return sent;
}

/** The provider has no such model: say which, and name the image models the key can use when the list answers. */
async function modelNotFound(scope: CallScope, route: Route, gone: { status: number; text: string }) {
	const { s } = scope;
	let listed: string[] = [];
	try {
		const list = await requestWithRetries(scope, async () => ({ method: 'GET', url: `${route.baseUrl}${s.provider.modelList.path}`, headers: { ...s.provider.headers }, authenticated: true }));
		listed = modelIds(JSON.parse(list.body.toString('utf8')), s.provider.modelList);
	} catch {
		// No list: the error still names the model and where to look.
	}
	const description = listed.length > 0
		? `The image models this key can use: ${listed.slice(0, 30).join(', ')}. Pick one under "Model", or correct the ID.`
		: `Check the ID against ${s.provider.displayName}'s model list (${s.provider.modelList.path.split('?')[0]}); the "Model" list shows the models the key can use.`;
	return gatewayError(scope, gone.status, `${s.provider.displayName} has no model "${s.model}": ${gone.text}`, description);
}

/** Every image the answers hold as an n8n item, then the text item and the warnings. */
async function toItems(scope: CallScope, format: WireFormat, sent: Sent, modelWarnings: string[]): Promise<INodeExecutionData[]> {
	const { s } = scope;
	const out: INodeExecutionData[] = [];
	for (const answer of sent.answers) {
		for (const entry of answer.images) out.push(await imageItem(scope, format, sent, answer, entry, out.length));
	}
	const common = commonJson(scope);
	const warnings = [...modelWarnings, ...sent.planWarnings, ...sent.call.warnings];
	for (const failure of sent.failures) {
		warnings.push(`One of the ${sent.call.requests} requests brought no image: ${redact((failure as Error).message, scope.secret)}`);
	}
	if (out.length < s.numberOfImages) warnings.push(`Asked for ${s.numberOfImages} images, the gateway returned ${out.length}.`);
	const reported = sent.call.warnings.some((w) => w.startsWith('Response format'));
	if (s.responseFormat === 'url' && !reported && out.some((o) => o.json.url === undefined)) {
		warnings.push('Asked for URL answers, but the gateway answered with base64 data (the image is the same).');
	}
	if (sent.texts.length > 0) {
		// "On Text-Only Answer: Output the Text": the model's words as an item of their own.
		const finish = sent.finishReason ? { finishReason: sent.finishReason } : {};
		out.push({ json: { ...common, noImage: true, text: redact(sent.texts.join('\n'), scope.secret) as string, ...finish }, pairedItem: { item: s.itemIndex } });
	}
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}

function commonJson({ s }: CallScope): IDataObject {
	return { provider: s.provider.id, model: s.model, operation: s.operation, prompt: s.prompt };
}

/** One image: its bytes checked, stored through n8n's binary helpers, described in json. */
async function imageItem(scope: CallScope, format: WireFormat, sent: Sent, answer: GatewayAnswer, entry: ImageEntry, index: number): Promise<INodeExecutionData> {
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
	if (answer.usage) json.usage = answer.usage;
	const cost = format.cost(answer, s.facts, info);
	if (cost) json.cost = cost;
	if (url) json.url = redact(url, scope.secret);
	if (entry.revisedPrompt) json.revisedPrompt = redact(entry.revisedPrompt, scope.secret);
	if (answer.texts.length > 0) json.text = redact(answer.texts.join('\n'), scope.secret);
	return { json, binary: { [s.outputProperty]: binary }, pairedItem: { item: s.itemIndex } };
}
