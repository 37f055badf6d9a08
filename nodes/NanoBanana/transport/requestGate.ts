/**
 * Caps the gateway requests in flight across all items of one execution, and lets a 429
 * slow the whole batch down: while the gate is paused no request starts, so workers do
 * not each hammer a gateway that has just said "too many requests". The cap adapts
 * (adaptiveSlots.ts): a 429 shrinks it, success grows it back. With an account gate (the
 * credential's Max Requests in Flight), a request also needs a slot there, shared with every
 * execution on that credential; then 429s shrink the account's limit, and pause all of them.
 */
import type { SlotOutcome, SlotTicket } from './adaptiveSlots';
import { AdaptiveSlots } from './adaptiveSlots';

/** A request that never started: an earlier item had failed and stopped the node. */
export class GateClosedError extends Error {
	constructor() {
		super('Not sent: an earlier item failed and stopped the node');
		this.name = 'GateClosedError';
	}
}

/** What every view of one execution's gate shares: the slots and the item the batch failed at. */
interface GateState {
	slots: AdaptiveSlots;
	/** Items from this index on start no new request: the batch has failed there. */
	stopFrom: number;
	/** Concurrency Auto: the route whose learned limit this gate started from and keeps. */
	route?: string;
}

/** Who waits in a queue: an item of one execution (the account's queue holds many executions). */
interface Tag {
	state: GateState;
	itemIndex: number;
}

/** How a request was sent, for the judgement of its 429 (RequestGate.run). */
export interface SentAs {
	couldShrink: boolean;
	probing: boolean;
}

/** The slots one request holds while it runs. */
export interface GateTicket {
	own: SlotTicket;
	account?: SlotTicket;
}

/** Concurrency "Auto": where the slow start begins, and the most it ever sends at once. */
export const AUTO_START = 4;
export const AUTO_MAX = 100;

/** What Auto learned of a route: the limit an execution ended at, and whether the gateway ever pushed back. */
interface Learned {
	limit: number;
	/** A 429 set the limit: the next execution starts there and grows one at a time, not by doubling. */
	pushedBack: boolean;
}

/**
 * What Auto learned of each route in this process (by credential). The next execution on the route
 * starts at the limit the last one ended at instead of at 4, so repeated executions against an open
 * gateway do not pay the slow start again; a 429 lowers it, a small batch never does.
 */
const learned = new Map<string, Learned>();

export class RequestGate {
	private readonly state: GateState;

	/**
	 * `itemIndex` is the item this view of the gate sends for (-1: none); the views `forItem`
	 * makes share one set of slots and one pause.
	 */
	constructor(
		limit: number,
		readonly itemIndex = -1,
		state?: GateState,
		private readonly account?: AdaptiveSlots,
		start?: Learned,
	) {
		this.state = state ?? { slots: new AdaptiveSlots(limit, start?.limit, !start?.pushedBack), stopFrom: Infinity };
	}

	/**
	 * The execution's gate for its Concurrency: a fixed number, or "Auto": a slow start from
	 * AUTO_START in flight, doubling per clean wave up to the batch's requests (at most AUTO_MAX).
	 */
	static forBatch(concurrency: number | 'auto', batchRequests: number, route?: string): RequestGate {
		if (concurrency !== 'auto') return new RequestGate(concurrency);
		const ceiling = Math.max(1, Math.min(AUTO_MAX, batchRequests));
		const known = route ? learned.get(route) : undefined;
		// A gateway that pushed back at 3 starts at 3; one never limited starts at 4 at least.
		const start = known?.pushedBack ? known : { limit: Math.max(AUTO_START, known?.limit ?? 0), pushedBack: false };
		const gate = new RequestGate(ceiling, -1, undefined, undefined, start);
		gate.state.route = route;
		return gate;
	}

	/** At the end of an Auto execution: keep the limit it reached for the route's next execution. */
	rememberLimit(): void {
		const { route, slots } = this.state;
		if (!route) return;
		const before = learned.get(route);
		if (slots.rateLimited > 0) learned.set(route, { limit: slots.limit, pushedBack: true });
		else learned.set(route, { limit: Math.max(before?.limit ?? 0, slots.limit), pushedBack: before?.pushedBack ?? false });
	}

	/** The Concurrency the user set (the most requests in flight the execution ever has). */
	get limit(): number {
		return this.state.slots.ceiling;
	}

	/** The same gate, for the requests of one item. */
	forItem(itemIndex: number): RequestGate {
		return new RequestGate(this.limit, itemIndex, this.state, this.account);
	}

	/** The same gate, its requests also held to the account's slots. */
	withAccount(account: AdaptiveSlots | undefined): RequestGate {
		return new RequestGate(this.limit, this.itemIndex, this.state, account);
	}

	/** Requests of this execution in flight right now. */
	get inFlight(): number {
		return this.state.slots.inFlight;
	}

	/** The execution's limit right now (below Concurrency after 429s). */
	get currentLimit(): number {
		return this.state.slots.limit;
	}

	/** Hold no new request before `ms` from now, in this execution and on the account. */
	pause(ms: number): void {
		this.state.slots.pause(ms);
		this.account?.pause(ms);
	}

	/**
	 * Item `itemIndex` failed and stops the node: from it on, no item starts another request
	 * (those queued, and any asked for later, end with GateClosedError; those in flight finish).
	 * Items before it go on, as they would have run first one item at a time.
	 */
	stopFrom(itemIndex: number): void {
		const state = this.state;
		state.stopFrom = Math.min(state.stopFrom, itemIndex);
		const later = (tag: unknown) => (tag as Tag | undefined)?.state === state && (tag as Tag).itemIndex >= state.stopFrom;
		state.slots.turnAway(later, () => new GateClosedError());
		this.account?.turnAway(later, () => new GateClosedError());
	}

	/** Wait for a slot (the execution's, then the account's) and for any pause to end. */
	async acquire(signal?: AbortSignal): Promise<GateTicket> {
		const tag: Tag = { state: this.state, itemIndex: this.itemIndex };
		const stopped = () => (this.itemIndex >= this.state.stopFrom ? new GateClosedError() : undefined);
		const own = await this.state.slots.take(signal, tag, stopped);
		if (!this.account) return { own };
		try {
			return { own, account: await this.account.take(signal, tag, stopped) };
		} catch (error) {
			this.state.slots.give(own, 'failed');
			// n8n's cancellation, or the batch's stop: they must reach the node as they are.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
	}

	/** Give the slots back with what became of the request: a 429 shrinks the account's limit when there is one, else the execution's. */
	release(ticket: GateTicket, outcome: SlotOutcome): void {
		if (ticket.account && this.account) {
			this.account.give(ticket.account, outcome);
			this.state.slots.give(ticket.own, outcome === 'rateLimited' ? 'failed' : outcome);
		} else {
			this.state.slots.give(ticket.own, outcome);
		}
	}

	/**
	 * Whether a 429 on this request may be of our own making: it was sent while the limit could
	 * still shrink. Such a 429 does not count against Max Retries (the gateway billed nothing).
	 */
	couldShrink(ticket: GateTicket): boolean {
		return (ticket.account ?? ticket.own).limitAtSend > 1;
	}

	/**
	 * Whether this request was Auto's probe of the gateway's limit (sent before its first 429): a
	 * 429 on it is the answer to that probe, which the shrink deals with; it does not pause the batch.
	 */
	probing(ticket: GateTicket): boolean {
		return (ticket.account ?? ticket.own).learning;
	}

	/**
	 * Run `task` as one request: waits for a slot and for any pause to end. When it fails,
	 * `classify` says whether the gateway turned it away for its rate limit, told how the request
	 * was sent: while the limit could still shrink (such a 429 may be of our own making), and
	 * whether as Auto's probe.
	 */
	async run<T>(task: () => Promise<T>, signal?: AbortSignal, classify?: (error: unknown, sent: SentAs) => SlotOutcome): Promise<T> {
		const ticket = await this.acquire(signal);
		let outcome: SlotOutcome = 'failed';
		try {
			const result = await task();
			outcome = 'ok';
			return result;
		} catch (error) {
			outcome = classify?.(error, { couldShrink: this.couldShrink(ticket), probing: this.probing(ticket) }) ?? 'failed';
			// Passed on as it is: the task's own error (a NodeApiError), or n8n's cancellation.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		} finally {
			this.release(ticket, outcome);
		}
	}
}
