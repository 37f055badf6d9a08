/**
 * One rate limit per gateway account: the credential's "Max Requests in Flight". Every execution
 * in this n8n process that uses the same credential (the same credential, with the same key) takes
 * its slots from one AdaptiveSlots, so ten webhook executions at once send no more than that many
 * requests together, and a 429 one of them draws pauses and slows them all. Each process (each
 * queue-mode worker) has its own: the cap holds per process, not across machines.
 */
import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { AdaptiveSlots } from './adaptiveSlots';
import { itemError } from './settings';

export const MAX_ACCOUNT_CONCURRENCY = 100;

const accounts = new Map<string, AdaptiveSlots>();

/** The credential's cap: undefined when the field is empty or 0 (no account-wide cap). */
function readCap(ctx: IExecuteFunctions, itemIndex: number, value: unknown): number | undefined {
	if (value === undefined || value === null || value === '' || value === 0 || value === '0') return undefined;
	const cap = Number(value);
	if (!Number.isInteger(cap) || cap < 0 || cap > MAX_ACCOUNT_CONCURRENCY) {
		throw itemError(
			ctx,
			itemIndex,
			`The credential's "Max Requests in Flight" must be a whole number from 1 to ${MAX_ACCOUNT_CONCURRENCY}, or empty`,
			'Leave it empty (or 0) for no account-wide cap.',
		);
	}
	return cap;
}

/**
 * The account's shared slots for this node's credential, or undefined when it sets no cap. The
 * key is the credential's id with a hash of its key: two credentials never share a gate, and
 * neither do two keys under one credential (the key was changed while executions still ran).
 */
export function accountSlots(
	ctx: IExecuteFunctions,
	itemIndex: number,
	credentialType: string,
	credentials: ICredentialDataDecryptedObject,
): AdaptiveSlots | undefined {
	const cap = readCap(ctx, itemIndex, credentials.maxConcurrency);
	if (cap === undefined) return undefined;
	const ref = ctx.getNode().credentials?.[credentialType];
	const keyHash = createHash('sha256').update(String(credentials.apiKey ?? '')).digest('hex').slice(0, 16);
	const key = [credentialType, ref?.id ?? '', ref?.name ?? '', String(credentials.baseUrl ?? ''), keyHash].join('\u0000');
	let slots = accounts.get(key);
	if (!slots) {
		slots = new AdaptiveSlots(cap);
		accounts.set(key, slots);
	} else {
		slots.setCeiling(cap);
	}
	return slots;
}
