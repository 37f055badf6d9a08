/**
 * One item's work, top to bottom: open the route (the credential turned into a connection, the
 * wire format it selects), choose the model to send (a retired one's replacement) and check what
 * it takes, read the item's inputs, build the call in the route's wire format, run its exchanges
 * through the retry loop and the gate (once more with the replacement when the provider answers
 * that a deprecated model is gone), and turn every image the answers hold into an n8n item.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { checkAnswer, textAnswerError } from './answers/answerCheck';
import type { Sent } from './answers/outputItems';
import { toItems } from './answers/outputItems';
import type { CallScope } from './callScope';
import type { InputImages } from './inputs/inputParts';
import { readInputs } from './inputs/inputImages';
import type { AspectRatio } from './models/imageSizes';
import { nearestRatio } from './models/imageSizes';
import type { ModelChoice } from './models/modelChoice';
import { afterGone, chooseModel } from './models/modelChoice';
import { modelIds } from './models/modelList';
import { limitRefusal, matchRatios } from './models/modelLimits';
import type { Connection } from './route/connection';
import { openConnection } from './route/connection';
import { accountSlots } from './transport/accountGate';
import { failureOf, gatewayError, itemError } from './errors';
import { exchangeSteps, requestWithRetries, runExchange } from './transport/send';
import type { Warning } from './warnings';
import { notice } from './warnings';
import { WIRE_FORMATS } from './wireFormats';
import type { WireFormat } from './wireFormats/wireFormat';

export type { CallScope } from './callScope';

/** The route one item's calls take: its connection and the wire format it selects. */
export interface Route {
	connection: Connection;
	format: WireFormat;
}

/** A retired model's replacement may itself be retired: the catalogue's chains are short. */
const MAX_REPLACEMENTS = 3;

/** Everything before an item's first request: its route open, the model to send chosen and checked, its inputs read. */
export interface PreparedCall {
	/** The item's scope with its route open, before a model was chosen (a replacement starts from it). */
	opened: CallScope;
	/** The same with the model to send. */
	scope: CallScope;
	route: Route;
	choice: ModelChoice;
	inputs: InputImages;
}

export async function prepareCall(start: CallScope): Promise<PreparedCall> {
	const { scope: opened, route } = await openRoute(start);
	const choice = chooseModel(opened.s.provider, route.format.forwardsGoogleIds, opened.s.model, route.connection.baseUrl);
	const scope = withModel(opened, choice);
	const inputs = await readInputs(scope, route.format.maxInputs(scope.s.facts, scope.s.model, route.connection.dialect), scope.s.provider.displayName);
	return { opened, scope, route, choice, inputs };
}

export async function runImageCall(start: CallScope): Promise<INodeExecutionData[]> {
	const { opened: scope, scope: first, route, choice: chosen, inputs } = await prepareCall(start);
	let choice = chosen;
	let current = first;
	let sent = await sendItem(current, route, inputs);
	for (let n = 0; sent.gone && choice.onGone && n < MAX_REPLACEMENTS; n++) {
		choice = afterGone(scope.s.provider, choice, route.connection.baseUrl);
		current = withModel(scope, choice);
		sent = await sendItem(current, route, inputs);
	}
	if (sent.gone) throw await modelNotFound(current, route, sent.gone);
	return await toItems(current, route.format, sent, choice.warnings);
}

/** The item's connection, its account's share of the gate, and the wire format it selects. */
async function openRoute(start: CallScope): Promise<{ scope: CallScope; route: Route }> {
	const connection = await openConnection(start.ctx, start.s.itemIndex, start.s.provider);
	const format = WIRE_FORMATS[connection.format];
	const scope: CallScope = { ...start, connection, gate: start.gate.withAccount(accountSlots(connection.account)), retryDelayIn: format.retryDelay };
	return { scope, route: { connection, format } };
}

/** The item's settings with the model to send; a ratio or size that model lacks stops here, before any request. */
function withModel(scope: CallScope, choice: ModelChoice): CallScope {
	const s = { ...scope.s, model: choice.sent, facts: choice.facts };
	const refusal = limitRefusal(s.facts, s.model, s.aspectRatio, s.resolution);
	if (refusal) throw itemError(scope.ctx, s.itemIndex, refusal.message, refusal.hint);
	return { ...scope, s };
}

/** Edit's "Match First Input Image": the ratio the model takes that is closest to the image's shape. */
export function matchedRatio(scope: CallScope, inputs: InputImages, warnings: Warning[]): AspectRatio | undefined {
	const first = inputs.images[0];
	if (!first?.width || !first.height) {
		warnings.push(notice(`"Match First Input Image" was not applied: the size of "${first?.property ?? 'the first image'}" could not be read, so the ratio was left to the model.`));
		return undefined;
	}
	return nearestRatio(first.width, first.height, matchRatios(scope.s.facts));
}

/**
 * Build the item's call and run its exchanges. Routes with no image count get one exchange per
 * image: they run side by side (the gate caps them with the rest of the batch). One that fails
 * does not cost the images the others brought; only when none worked does the item fail.
 */
async function sendItem(scope: CallScope, route: Route, inputs: InputImages): Promise<Sent> {
	const { s } = scope;
	const planWarnings: Warning[] = [];
	const aspectRatio = s.matchInput ? matchedRatio(scope, inputs, planWarnings) : s.aspectRatio;
	const { baseUrl, dialect } = route.connection;
	const call = await route.format.build({ scope, provider: s.provider, baseUrl, dialect, inputs, aspectRatio, steps: exchangeSteps(scope, checkAnswer) });
	const settled = await Promise.allSettled(Array.from({ length: call.requests }, async () => await runExchange(scope, call, checkAnswer)));
	const sent: Sent = { call, aspectRatio, planWarnings, answers: [], texts: [], failures: [] };
	for (const result of settled) {
		if (result.status === 'rejected') sent.failures.push(result.reason);
		else if (result.value.images.length > 0) sent.answers.push(result.value);
		else if (s.onTextAnswer === 'output') {
			sent.texts.push(...result.value.texts);
			sent.finishReason ??= result.value.finish?.reason;
		} else sent.failures.push(textAnswerError(scope, result.value));
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
	const modelList = s.provider.modelList;
	let listed: string[] = [];
	try {
		if (modelList) {
			const list = await requestWithRetries(scope, async () => ({ method: 'GET', url: `${route.connection.baseUrl}${modelList.path}`, headers: { ...s.provider.headers }, authenticated: true }));
			listed = modelIds(JSON.parse(list.body.toString('utf8')), modelList);
		}
	} catch {
		// No list: the error still names the model and where to look.
	}
	const where = modelList ? `${s.provider.displayName}'s model list (${modelList.path.split('?')[0]})` : `the models ${s.provider.displayName} serves to your project and location`;
	const description = listed.length > 0
		? `The image models this key can use: ${listed.slice(0, 30).join(', ')}. Pick one under "Model", or correct the ID.`
		: `Check the ID against ${where}; the "Model" list shows the models the node knows.`;
	return gatewayError(scope, gone.status, `${s.provider.displayName} has no model "${s.model}": ${gone.text}`, description);
}
