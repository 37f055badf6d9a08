/**
 * One rate limit per gateway account: the credential's "Max Requests in Flight". Every execution
 * in this n8n process that uses the same credential (the same credential, with the same key) takes
 * its slots from one AdaptiveSlots, so ten webhook executions at once send no more than that many
 * requests together, and a 429 one of them draws pauses and slows them all. Each process (each
 * queue-mode worker) has its own: the cap holds per process, not across machines. Which account a
 * call counts against, and its cap, come from the connection (route/connection.ts).
 */
import { AdaptiveSlots } from './adaptiveSlots';

const accounts = new Map<string, AdaptiveSlots>();

/** The account's shared slots, or undefined when the credential sets no cap. */
export function accountSlots(account: { key: string; cap: number } | undefined): AdaptiveSlots | undefined {
	if (!account) return undefined;
	let slots = accounts.get(account.key);
	if (!slots) {
		slots = new AdaptiveSlots(account.cap);
		accounts.set(account.key, slots);
	} else {
		slots.setCeiling(account.cap);
	}
	return slots;
}
