/**
 * Slots for requests to one gateway, whose number follows what the gateway takes: a 429 shrinks
 * it, answers that keep succeeding grow it back slowly, up to the ceiling the user set. One set
 * serves all items of an execution (the node's Concurrency), another, shared, all executions on one
 * credential (its Max Requests in Flight). A pause (Retry-After) holds every new request.
 *
 * How the limit moves:
 * - The first 429 of a wave (a request sent after the last cut) halves the limit, and never sets
 *   it above the requests still in flight: the gateway took those, it turned this one away.
 * - A 429 for a request sent before that cut is the same wave coming back: it does not halve again,
 *   it only brings the limit down to what is still in flight, so once the wave is in, the limit is
 *   what the gateway accepted at once.
 * - 4 x limit answers in a row without a 429 add one slot, up to the ceiling: a probe that draws
 *   a 429 pauses the batch for its Retry-After, so the limit found is kept a good while.
 * - With a slow start (Concurrency "Auto"), the limit starts low and doubles each time a whole
 *   wave (as many answers in a row as the limit) comes back without a 429, up to the ceiling.
 *   Until the first 429 the gate is learning: that 429 answers our own probe, so it does not halve
 *   the limit, it brings it to what the gateway took (the requests still in flight once the wave's
 *   429s are back), and the rules above take over from there.
 */
import { abortableWait, cancelledError } from './hostCompat';

/** What a request that took a slot brings back when it gives the slot back. */
export type SlotOutcome = 'ok' | 'rateLimited' | 'failed';

export interface SlotTicket {
	/** Order in which slots were taken, from 1. */
	seq: number;
	/** The limit when the slot was taken: a 429 at 1 is the gateway's own limit, not ours. */
	limitAtSend: number;
	/** Taken while the gate was still learning the gateway's limit (before its first 429). */
	learning: boolean;
}

interface Waiter {
	/** Who waits (an item of a batch), so that a failed batch can turn its later items away. */
	tag: unknown;
	wake: () => void;
	fail: (error: Error) => void;
}

export class AdaptiveSlots {
	private current: number;
	private active = 0;
	private readonly waiting: Waiter[] = [];
	private pausedUntil = 0;
	private taken = 0;
	private lastCut = 0;
	private streak = 0;
	/** Doubling per clean wave until the first 429 (a slow start). */
	private growing: boolean;
	/** No 429 yet since a slow start or a learned start: the limit is a probe of ours. */
	private learning: boolean;
	/** 429s seen, for tests and the README's figures. */
	rateLimited = 0;

	/**
	 * `start`: begin at this limit, learning, and double per clean wave (a slow start) unless
	 * `doubling` is false (a limit the gateway pushed back at before: grow one at a time from it);
	 * without it, begin at the ceiling.
	 */
	constructor(
		private top: number,
		start?: number,
		doubling = true,
	) {
		this.current = start === undefined ? top : Math.max(1, Math.min(start, top));
		this.growing = start !== undefined && doubling && this.current < top;
		this.learning = start !== undefined;
	}

	/** The limit the user set. */
	get ceiling(): number {
		return this.top;
	}

	/** The limit now. */
	get limit(): number {
		return this.current;
	}

	get inFlight(): number {
		return this.active;
	}

	/** A new ceiling (the credential was edited): the limit never stays above it. */
	setCeiling(ceiling: number): void {
		if (ceiling === this.top) return;
		this.top = ceiling;
		this.current = Math.min(this.current, ceiling);
		if (this.current < 1) this.current = 1;
		this.wake();
	}

	/** Hold no new request before `ms` from now (the longest pause asked for wins). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	/**
	 * Wait for a slot and for any pause to end; `stopped` is asked before each try (a batch that has
	 * failed takes no new slot).
	 */
	async take(signal?: AbortSignal, tag?: unknown, stopped?: () => Error | undefined): Promise<SlotTicket> {
		let queued = false;
		for (;;) {
			const stop = stopped?.();
			if (stop) {
				// Woken for a free slot it will not use: hand the turn on to the next in line.
				if (queued) this.wake();
				throw stop;
			}
			const pause = this.pausedUntil - Date.now();
			if (pause > 0) {
				await abortableWait(pause, signal);
				continue;
			}
			if (this.active < this.current) {
				this.active++;
				return { seq: ++this.taken, limitAtSend: this.current, learning: this.learning };
			}
			await this.queue(queued, signal, tag);
			queued = true;
		}
	}

	/** Give the slot back, with what became of the request. */
	give(ticket: SlotTicket, outcome: SlotOutcome): void {
		this.active--;
		if (outcome === 'ok') {
			this.streak++;
			if (this.growing && this.streak >= this.current) {
				this.current = Math.min(this.top, 2 * this.current);
				this.growing = this.current < this.top;
				this.streak = 0;
			} else if (!this.growing && this.current < this.top && this.streak >= 4 * this.current) {
				this.current++;
				this.streak = 0;
			}
		} else if (outcome === 'rateLimited') {
			this.rateLimited++;
			this.streak = 0;
			this.growing = false;
			if (ticket.learning && this.learning) {
				// Our probe went past the gateway's limit: keep what it took, do not halve.
				this.learning = false;
				this.current = Math.max(1, Math.min(this.current, this.active));
				this.lastCut = this.taken;
			} else if (ticket.seq > this.lastCut) {
				this.current = Math.max(1, Math.min(Math.floor(this.current / 2), this.active));
				this.lastCut = this.taken;
			} else {
				this.current = Math.max(1, Math.min(this.current, this.active));
			}
		}
		this.wake();
	}

	/** End every queued request whose tag `turnAway` picks with `error()` (a failed batch). */
	turnAway(turnAway: (tag: unknown) => boolean, error: () => Error): void {
		const queued = this.waiting.splice(0);
		for (const waiter of queued) {
			if (turnAway(waiter.tag)) waiter.fail(error());
			else this.waiting.push(waiter);
		}
	}

	/** Wait in line for a slot; a cancelled execution leaves the line at once. */
	private async queue(again: boolean, signal: AbortSignal | undefined, tag: unknown): Promise<void> {
		if (signal?.aborted) throw cancelledError();
		let onAbort: (() => void) | undefined;
		try {
			await new Promise<void>((wake, fail) => {
				const waiter: Waiter = { tag, wake, fail };
				// Woken but beaten to the slot: back to the head of the queue, keeping its turn.
				if (again) this.waiting.unshift(waiter);
				else this.waiting.push(waiter);
				if (signal) {
					onAbort = () => {
						const at = this.waiting.indexOf(waiter);
						if (at >= 0) this.waiting.splice(at, 1);
						fail(cancelledError());
					};
					signal.addEventListener('abort', onAbort, { once: true });
				}
			});
		} finally {
			if (signal && onAbort) signal.removeEventListener('abort', onAbort);
		}
	}

	/**
	 * Wake as many as there are free slots, on the next turn of the event loop, once the request
	 * that just ended has been dealt with: if it failed the batch, the next one knows before it starts.
	 */
	private wake(): void {
		for (let free = this.current - this.active; free > 0 && this.waiting.length > 0; free--) {
			const next = this.waiting.shift() as Waiter;
			setImmediate(next.wake);
		}
	}
}
