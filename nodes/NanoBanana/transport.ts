/**
 * Sending: one HTTP call as many times as it takes. The one retry loop (Retry-After, backoff with
 * jitter, Max Retries, cancellation) serves gateway calls and image downloads alike; a 429
 * pauses the whole batch through the request gate. Errors are NodeApiErrors that carry the
 * gateway's status and words, never the API key.
 */
import FormData from 'form-data';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GatewayAnswer } from './gatewayAnswer';
import { providerMessage, tidyText } from './gatewayAnswer';
import { abortableWait } from './hostCompat';
import type { RequestGate } from './requestGate';
import {
	RETRYABLE_STATUS,
	backoffDelay,
	englishSummary,
	isCutOff,
	isRetryableNetworkError,
	isTimeout,
	networkCode,
	parseRetryAfter,
	retryDelayInBody,
} from './retryPolicy';
import type { ItemSettings } from './settings';

/** One HTTP call, built by a wire format, that the transport can send as often as it takes. */
export interface WireCall {
	url: string;
	headers: Record<string, string>;
	/**
	 * A fresh body for each attempt (streams cannot be sent twice): a JSON object, JSON already
	 * built into a buffer (bodies that carry images as base64), or multipart.
	 */
	body: () => Promise<IDataObject | Buffer | FormData>;
	/** The answer's parsed JSON, read into the node's one answer shape. */
	read: (json: unknown) => GatewayAnswer;
	/** How many calls to send to get the images asked for (one per image where the route has no count). */
	requests: number;
	/** Settings this route cannot honour, for `json.warnings`. */
	warnings: string[];
}

/** Bodies asked for with `encoding: 'arraybuffer'` arrive as a Buffer; be tolerant of the rest. */
export function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/** What one item's calls share: the n8n context, the item's settings, the batch's gate. */
export interface CallScope {
	ctx: IExecuteFunctions;
	s: ItemSettings;
	gate: RequestGate;
	/** The credential's API key, to scrub from anything a gateway echoes back. */
	secret?: string;
}

/** Gateways sometimes quote the key they were sent ("invalid token sk-..."): never pass it on. */
export function redact(text: string | undefined, secret: string | undefined): string | undefined {
	if (text === undefined || !secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

export function gatewayError(
	{ ctx, s, secret }: CallScope,
	status: number | undefined,
	rawMessage: string,
	rawDescription?: string,
): NodeApiError {
	const message = redact(rawMessage, secret) as string;
	const description = redact(rawDescription, secret);
	const httpCode = status === undefined ? undefined : String(status);
	const error = new NodeApiError(ctx.getNode(), { message, httpCode: httpCode ?? null } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex: s.itemIndex,
	});
	// NodeApiError swaps a message that names a network code ("... (ECONNREFUSED)") for n8n's
	// generic words, which lose the gateway, the host and what was being done: keep ours.
	error.message = message;
	return error;
}

/** What a failed attempt says about trying again. */
interface RetryFacts {
	retryable: boolean;
	/** The gateway's Retry-After, when it sent one. */
	retryAfterMs?: number;
	status?: number;
	/** The provider's own words for the failure (its error message), when it sent any. */
	providerText?: string;
	/**
	 * A 429 sent while the gate's limit could still shrink: our own concurrency may have caused it,
	 * the gateway billed nothing, and it does not count against Max Retries.
	 */
	free?: boolean;
}

/** Free retries (429s while the limit shrinks) one request may take on top of Max Retries. */
const MAX_FREE_RETRIES = 10;

/** Kept beside the NodeApiError an attempt ends with; an error without an entry is never retried. */
const retryFacts = new WeakMap<NodeApiError, RetryFacts>();

/** The error a failed attempt ends with, and whether (and when) another attempt may help. */
export function failedAttempt(error: NodeApiError, retryable: boolean, retryAfterMs?: number, status?: number, providerText?: string): NodeApiError {
	retryFacts.set(error, { retryable, retryAfterMs, status, providerText });
	return error;
}

/** The HTTP status and the provider's words a failed call ended with, when it got that far. */
export function failureOf(error: unknown): { status: number; text: string } | undefined {
	const facts = error instanceof NodeApiError ? retryFacts.get(error) : undefined;
	return facts?.status === undefined ? undefined : { status: facts.status, text: facts.providerText ?? '' };
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The gateway did not accept the API key. Check the key (and the base URL) in the credential.',
	403: 'The key is not allowed to use this model or endpoint. Check the model ID and your plan with the gateway.',
	404: 'The gateway has no such endpoint or model. Check the base URL (without /v1) and the model ID.',
	413: 'The request is too large for the gateway. Send fewer or smaller images.',
	429: 'The gateway is rate limiting, or its upstream is saturated. Wait and run again. When many executions use this key at once, set "Max Requests in Flight" in the credential to your plan\'s limit.',
};

export function statusHint(status: number | undefined): string | undefined {
	if (status === undefined) return undefined;
	return STATUS_HINTS[status] ?? (status >= 500 ? 'The gateway or its upstream failed. This is usually temporary: run again later.' : undefined);
}

/** The gateway's message, with an English summary when it is in Chinese. */
export function withSummary(message: string): string {
	const summary = englishSummary(message);
	return summary ? `${message} (in English: ${summary})` : message;
}

function joinHints(...parts: Array<string | undefined>): string | undefined {
	const text = parts.filter((p) => p).join(' ');
	return text === '' ? undefined : text;
}

function afterRetries(attempts: number): string | undefined {
	return attempts > 1 ? `Tried ${attempts} times.` : undefined;
}

/** Errors that never reached a whole HTTP answer: refused, reset, cut off, timed out. */
function networkFailure(scope: CallScope, error: unknown, url: string): NodeApiError {
	const { s } = scope;
	const name = s.provider.displayName;
	const code = networkCode(error);
	const host = new URL(url).host;
	let message: string;
	let description: string;
	if (isTimeout(error)) {
		message = `${name} did not answer within ${Math.round(s.timeoutMs / 1000)} s`;
		description = 'Large images can take minutes. Raise "Timeout (Seconds)" in the options, or use a lower resolution.';
	} else if (isCutOff(error)) {
		message = `${name} broke off its answer before it was complete`;
		description = 'The connection to the gateway closed in the middle of the answer. This is usually temporary: run again.';
	} else if (code === 'ECONNRESET') {
		message = `${name} at ${host} closed the connection without answering (ECONNRESET)`;
		description = 'The gateway or a proxy in front of it dropped the request. This is usually temporary: run again.';
	} else {
		message = `Could not reach ${name} at ${host}${code ? ` (${code})` : ''}`;
		description = 'Check the base URL in the credential and that the gateway is up.';
	}
	// A fresh error on purpose: the original carries the request's headers, and with them the API key.
	return failedAttempt(gatewayError(scope, undefined, message, description), isRetryableNetworkError(error));
}

/**
 * The one retry loop, for gateway calls and image downloads alike: an attempt that failed with a
 * retryable error is sent again after the gateway's Retry-After or a backoff with jitter, up to
 * Max Retries; `onWait` sees each wait before it starts (a 429 pauses the whole batch there). Once
 * the execution is stopped no new attempt starts, and a wait ends at once, with n8n's own
 * cancellation error.
 */
export async function withRetries<T>(
	scope: CallScope,
	attempt: (signal: AbortSignal | undefined) => Promise<T>,
	onWait?: (facts: RetryFacts, delayMs: number) => void,
): Promise<T> {
	const signal = scope.ctx.getExecutionCancelSignal?.();
	let counted = 0;
	let free = 0;
	for (let n = 0; ; n++) {
		await abortableWait(0, signal);
		try {
			return await attempt(signal);
		} catch (error) {
			const facts = error instanceof NodeApiError ? retryFacts.get(error) : undefined;
			const freeRetry = facts?.free === true && free < MAX_FREE_RETRIES;
			if (!facts || !facts.retryable || (!freeRetry && counted >= scope.s.maxRetries) || signal?.aborted) {
				const note = facts ? afterRetries(n + 1) : undefined;
				if (note) (error as NodeApiError).description = joinHints((error as NodeApiError).description ?? undefined, note);
				// Already a NodeApiError with the item and the gateway's words, or n8n's own
				// cancellation or the batch's stop, which must reach the engine as they are.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw error;
			}
			if (freeRetry) free++;
			else counted++;
			const delay = facts.retryAfterMs ?? backoffDelay(n);
			onWait?.(facts, delay);
			await abortableWait(delay, signal);
		}
	}
}

/**
 * One attempt through the gate: it takes a slot (the execution's, and the account's when the
 * credential caps it) and gives it back with what happened, so that a 429 shrinks the limit; a
 * 429 while the limit could still shrink is marked free for the retry loop.
 */
async function gated<T>(gate: RequestGate, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
	return await gate.run(attempt, signal, (error, couldShrink) => {
		const facts = error instanceof NodeApiError ? retryFacts.get(error) : undefined;
		if (facts?.status !== 429) return 'failed';
		facts.free = couldShrink;
		return 'rateLimited';
	});
}

/** One request to the provider, with its key, as a route's own step (an upload) needs it. */
export interface ProviderRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	body?: IDataObject | Buffer | FormData;
	/** Send with the credential (the provider's own API) or without (a link to another host). */
	authenticated: boolean;
}

export interface ProviderResponse {
	status: number;
	headers: Record<string, unknown>;
	body: Buffer;
}

/** Send one request; an HTTP error or a network failure is a NodeApiError marked for the retry loop. */
async function attemptOnce(scope: CallScope, request: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
	const { ctx, s } = scope;
	const { body } = request;
	const form = body instanceof FormData ? body : undefined;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		body,
		headers: {
			...(form ? { ...form.getHeaders(), 'Content-Length': String(form.getLengthSync()) } : body === undefined ? {} : { 'Content-Type': 'application/json' }),
			...request.headers,
		},
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: s.timeoutMs,
		// n8n's default (true) puts the key back on a redirect to another host: a gateway, or
		// whoever answers at its address, could send the key anywhere with one Location header.
		sendCredentialsOnCrossOriginRedirect: false,
	};

	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = (
			request.authenticated
				? await ctx.helpers.httpRequestWithAuthentication.call(ctx, s.provider.credentialType, options)
				: // The plain helper is not tied to the execution by itself: stop the request on cancel.
					await ctx.helpers.httpRequest({ ...options, abortSignal: signal })
		) as typeof response;
	} catch (error) {
		throw networkFailure(scope, error, request.url);
	}

	const raw = toBuffer(response.body);
	const status = response.statusCode;
	if (status >= 400) {
		const message = providerMessage(raw) ?? `HTTP ${status}`;
		throw failedAttempt(
			gatewayError(scope, status, `${s.provider.displayName} answered ${status}: ${withSummary(message)}`, statusHint(status)),
			RETRYABLE_STATUS.has(status),
			parseRetryAfter(response.headers?.['retry-after']) ?? retryDelayInBody(raw),
			status,
			message,
		);
	}
	return { status, headers: response.headers ?? {}, body: raw };
}

/** A route's own request (an upload, a status check), through the one retry loop and the gate. */
export async function requestWithRetries(scope: CallScope, request: () => Promise<ProviderRequest>): Promise<ProviderResponse> {
	const { gate } = scope;
	return await withRetries(
		scope,
		async (signal) => await gated(gate, signal, async () => await attemptOnce(scope, await request(), signal)),
		(facts, delay) => {
			if (facts.status === 429) gate.pause(delay);
		},
	);
}

async function sendOnce(scope: CallScope, call: WireCall, check: AnswerCheck, signal?: AbortSignal): Promise<GatewayAnswer> {
	const { s } = scope;
	const { status, body: raw } = await attemptOnce(
		scope,
		{ method: 'POST', url: call.url, headers: call.headers, body: await call.body(), authenticated: true },
		signal,
	);
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		const text = raw.toString('utf8');
		const isPage = /^\s*</.test(text);
		throw failedAttempt(
			gatewayError(
				scope,
				status,
				isPage
					? `${s.provider.displayName} answered with a web page instead of JSON: ${providerMessage(raw) ?? 'no title'}`
					: `${s.provider.displayName} sent an answer that is not JSON`,
				raw.length === 0 ? 'The answer was empty.' : `It starts with: ${tidyText(text, 300)}`,
			),
			// A proxy's page or a cut-off body is the transport failing, not the model: worth another try.
			true,
		);
	}
	const answer = call.read(parsed);
	check(scope, answer);
	return answer;
}

/**
 * What an answer means before it counts (answerCheck.ts): throws the attempt's error for an answer
 * that stands for one (marked for the retry loop), returns for one that holds an image or words.
 */
export type AnswerCheck = (scope: CallScope, answer: GatewayAnswer) => void;

/** Send with retries; a 429 pauses the whole batch, not only this item. */
export async function sendWithRetries(scope: CallScope, call: WireCall, check: AnswerCheck): Promise<GatewayAnswer> {
	const { gate } = scope;
	return await withRetries(
		scope,
		async (signal) => await gated(gate, signal, async () => await sendOnce(scope, call, check, signal)),
		(facts, delay) => {
			if (facts.status === 429) gate.pause(delay);
		},
	);
}
