/**
 * The one retry loop, for provider calls and link downloads alike, and the gate each attempt goes
 * through. An error without retry facts (errors.ts) is never retried.
 */
import type { NodeApiError } from 'n8n-workflow';

import type { CallScope } from '../callScope';
import type { RetryFacts } from '../errors';
import { joinHints, retryFactsOf } from '../errors';
import { abortableWait } from './hostCompat';
import type { RequestGate } from './requestGate';
import { backoffDelay } from './retryPolicy';

/** Free retries (429s while the limit shrinks) one request may take on top of Max Retries. */
const MAX_FREE_RETRIES = 10;

function afterRetries(attempts: number): string | undefined {
	return attempts > 1 ? `Tried ${attempts} times.` : undefined;
}

/**
 * The one retry loop, for gateway calls and image downloads alike: an attempt that failed with a
 * retryable error is sent again after the gateway's Retry-After or a backoff with jitter, up to
 * Max Retries; `onWait` sees each wait before it starts (a 429 pauses the whole batch there). A
 * provider call on a slow tier starts its backoff from that tier's first wait. Once
 * the execution is stopped no new attempt starts, and a wait ends at once, with n8n's own
 * cancellation error.
 */
export async function withRetries<T>(
	scope: CallScope,
	attempt: (signal: AbortSignal | undefined) => Promise<T>,
	onWait?: (facts: RetryFacts, delayMs: number) => void,
	firstBackoffMs?: number,
): Promise<T> {
	const signal = scope.ctx.getExecutionCancelSignal?.();
	let counted = 0;
	let free = 0;
	for (let n = 0; ; n++) {
		await abortableWait(0, signal);
		try {
			return await attempt(signal);
		} catch (error) {
			const facts = retryFactsOf(error);
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
			const delay = facts.retryAfterMs ?? backoffDelay(n, Math.random, firstBackoffMs);
			onWait?.(facts, delay);
			await abortableWait(delay, signal);
		}
	}
}

/**
 * One attempt through the gate: it takes a slot (the execution's, and the account's when the
 * credential caps it) and gives it back with what happened, so that a 429 shrinks the limit; a
 * 429 while the limit could still shrink is marked free for the retry loop, and one on Auto's
 * probe is marked so that it does not pause the batch.
 */
export async function gated<T>(gate: RequestGate, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
	return await gate.run(attempt, signal, (error, sent) => {
		const facts = retryFactsOf(error);
		if (facts?.status !== 429) return 'failed';
		facts.free = sent.couldShrink;
		facts.probe = sent.probing;
		return 'rateLimited';
	});
}
