/**
 * The node's errors: bad input is a NodeOperationError naming the item (`itemError`); a
 * provider's failure is a NodeApiError carrying its status and words, with a hint, and never the
 * key (`gatewayError`). A failed attempt's error also carries what it says about trying again
 * (`failedAttempt`), which the retry loop reads.
 */
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { englishSummary } from './transport/retryPolicy';

/** What an error needs of the call it ends: the node, the item, and the secrets to scrub. */
export interface ErrorScope {
	ctx: IExecuteFunctions;
	s: { itemIndex: number };
	connection?: { secrets: readonly string[] };
}

export function itemError(ctx: IExecuteFunctions, itemIndex: number, message: string, description?: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });
}

/** Gateways sometimes quote the key they were sent ("invalid token sk-..."): never pass it on. */
export function redact(text: string | undefined, secrets: readonly string[] | undefined): string | undefined {
	if (text === undefined) return text;
	let out = text;
	for (const secret of secrets ?? []) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
	return out;
}

/** A text with the call's secrets scrubbed. */
export const scrub = (scope: ErrorScope, text: string): string => redact(text, scope.connection?.secrets) as string;

export function gatewayError(scope: ErrorScope, status: number | undefined, rawMessage: string, rawDescription?: string): NodeApiError {
	const message = scrub(scope, rawMessage);
	const description = rawDescription === undefined ? undefined : scrub(scope, rawDescription);
	const httpCode = status === undefined ? undefined : String(status);
	const error = new NodeApiError(scope.ctx.getNode(), { message, httpCode: httpCode ?? null } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex: scope.s.itemIndex,
	});
	// NodeApiError swaps a message that names a network code ("... (ECONNREFUSED)") for n8n's
	// generic words, which lose the gateway, the host and what was being done: keep ours.
	error.message = message;
	return error;
}

/** What a failed attempt says about trying again. */
export interface RetryFacts {
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
	/** A 429 on Concurrency Auto's probe of the gateway's limit: it does not pause the batch. */
	probe?: boolean;
}

/** Kept beside the NodeApiError an attempt ends with; an error without an entry is never retried. */
const retryFacts = new WeakMap<NodeApiError, RetryFacts>();

/** The error a failed attempt ends with, and whether (and when) another attempt may help. */
export function failedAttempt(error: NodeApiError, retryable: boolean, retryAfterMs?: number, status?: number, providerText?: string): NodeApiError {
	retryFacts.set(error, { retryable, retryAfterMs, status, providerText });
	return error;
}

export function retryFactsOf(error: unknown): RetryFacts | undefined {
	return error instanceof NodeApiError ? retryFacts.get(error) : undefined;
}

/** The HTTP status and the provider's words a failed call ended with, when it got that far. */
export function failureOf(error: unknown): { status: number; text: string } | undefined {
	const facts = retryFactsOf(error);
	return facts?.status === undefined ? undefined : { status: facts.status, text: facts.providerText ?? '' };
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The gateway did not accept the API key. Check the key (and the base URL) in the credential.',
	403: 'The key is not allowed to use this model or endpoint. Check the model ID and your plan with the gateway.',
	404: 'The gateway has no such endpoint or model. Check the base URL (without /v1) and the model ID.',
	413: 'The request is too large for the gateway. Send fewer or smaller images.',
	429: 'The gateway is rate limiting, or its upstream is saturated. Wait and run again. When many executions use this key at once, set "Max Requests in Flight" in the credential to your plan\'s limit.',
};

/** An error code that is an HTTP status (`"429"`, `503`), as a number; anything else (`"bad_prompt"`) is none. */
export function httpStatusOf(code: unknown): number | undefined {
	const text = code === undefined || code === null ? '' : String(code);
	return /^\d{3}$/.test(text) ? Number(text) : undefined;
}

export function statusHint(status: number | undefined): string | undefined {
	if (status === undefined) return undefined;
	return STATUS_HINTS[status] ?? (status >= 500 ? 'The gateway or its upstream failed. This is usually temporary: run again later.' : undefined);
}

/** The gateway's message, with an English summary when it is in Chinese. */
export function withSummary(message: string): string {
	const summary = englishSummary(message);
	return summary ? `${message} (in English: ${summary})` : message;
}

export function joinHints(...parts: Array<string | undefined | null>): string | undefined {
	const text = parts.filter((p) => p).join(' ');
	return text === '' ? undefined : text;
}
