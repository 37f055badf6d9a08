/**
 * Sending a route's requests through the one retry loop and the gate: a request of the route's
 * own (an upload, a submit, a poll), an answer that holds the images (read by the wire format,
 * then checked: an answer that stands for an error is retried as that error says), and a whole
 * exchange (wireFormat.ts) made of those steps. A 429 pauses the whole batch, not only this item.
 */
import type { GatewayAnswer } from '../answers/gatewayAnswer';
import { providerMessage, tidyText } from '../answers/gatewayAnswer';
import type { CallScope } from '../callScope';
import type { AnswerReader, ExchangeSteps, WireCall } from '../wireFormats/wireFormat';
import { failedAttempt, gatewayError } from '../errors';
import { abortableWait } from './hostCompat';
import type { ProviderRequest, ProviderResponse } from './httpAttempt';
import { attemptOnce } from './httpAttempt';
import { gated, withRetries } from './retryLoop';

/**
 * What an answer means before it counts (answers/answerCheck.ts): throws the attempt's error for
 * an answer that stands for one (marked for the retry loop), returns for one with images or words.
 */
export type AnswerCheck = (scope: CallScope, answer: GatewayAnswer) => void;

type Attempt<T> = (signal: AbortSignal | undefined) => Promise<T>;

/**
 * Through the retry loop and the gate; a 429 pauses the whole batch for its delay, except one on
 * Auto's probe: the gate has already brought the limit to what the gateway took, the request
 * turned away waits its Retry-After, and the rest of the batch goes on at that limit.
 */
async function retried<T>(scope: CallScope, attempt: Attempt<T>): Promise<T> {
	const { gate } = scope;
	return await withRetries(
		scope,
		async (signal) => await gated(gate, signal, async () => await attempt(signal)),
		(facts, delay) => {
			if (facts.status === 429 && !facts.probe) gate.pause(delay);
		},
		scope.s.firstBackoffMs,
	);
}

/** A route's own request (an upload, a submit, a poll), through the one retry loop and the gate. */
export async function requestWithRetries(scope: CallScope, request: () => Promise<ProviderRequest>): Promise<ProviderResponse> {
	return await retried(scope, async (signal) => await attemptOnce(scope, await request(), signal));
}

/** The answer's JSON; a page or cut-off text instead is the transport failing: worth another try. */
function parsed(scope: CallScope, response: ProviderResponse): unknown {
	const { status, body: raw } = response;
	const name = scope.s.provider.displayName;
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		const text = raw.toString('utf8');
		const isPage = /^\s*</.test(text);
		const message = isPage ? `${name} answered with a web page instead of JSON: ${providerMessage(raw) ?? 'no title'}` : `${name} sent an answer that is not JSON`;
		throw failedAttempt(gatewayError(scope, status, message, raw.length === 0 ? 'The answer was empty.' : `It starts with: ${tidyText(text, 300)}`), true);
	}
}

/** One request whose answer holds the images: read by the wire format, checked, retried as the check says. */
export async function answerWithRetries(scope: CallScope, request: () => Promise<ProviderRequest>, read: AnswerReader, check: AnswerCheck): Promise<GatewayAnswer> {
	return await retried(scope, async (signal) => {
		const response = await attemptOnce(scope, await request(), signal);
		const answer = read(parsed(scope, response), response.headers);
		check(scope, answer);
		return answer;
	});
}

/** The steps an exchange is made of, for one item's scope. */
export function exchangeSteps(scope: CallScope, check: AnswerCheck): ExchangeSteps {
	return {
		request: async (request) => await requestWithRetries(scope, request),
		answer: async (request, read) => await answerWithRetries(scope, request, read, check),
		wait: async (ms) => await abortableWait(ms, scope.ctx.getExecutionCancelSignal?.()),
	};
}

/** One image's exchange with the provider, as the wire format wrote it. */
export async function runExchange(scope: CallScope, call: WireCall, check: AnswerCheck): Promise<GatewayAnswer> {
	return await call.exchange(exchangeSteps(scope, check));
}
