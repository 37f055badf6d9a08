/**
 * Caps the gateway requests in flight across all items of one execution, and lets a 429
 * slow the whole batch down: while the gate is paused no request starts, so workers do
 * not each hammer a gateway that has just said "too many requests".
 */
import { abortableWait, cancelledError } from './hostCompat';

/** A request that never started: an earlier item had failed and stopped the node. */
export class GateClosedError extends Error {
	constructor() {
		super('Not sent: an earlier item failed and stopped the node');
		this.name = 'GateClosedError';
	}
}

interface Waiter {
	itemIndex: number;
	wake: () => void;
	fail: (error: Error) => void;
}

/** What every view of one gate shares: the slots, the queue, the pause. */
interface GateState {
	active: number;
	waiting: Waiter[];
	pausedUntil: number;
	/** Items from this index on start no new request: the batch has failed there. */
	stopFrom: number;
}

export class RequestGate {
	private readonly state: GateState;

	/**
	 * `itemIndex` is the item this view of the gate sends for (-1: none); the views `forItem`
	 * makes share one set of slots, one queue and one pause.
	 */
	constructor(
		readonly limit: number,
		readonly itemIndex = -1,
		state?: GateState,
	) {
		this.state = state ?? { active: 0, waiting: [], pausedUntil: 0, stopFrom: Infinity };
	}

	/** The same gate, for the requests of one item. */
	forItem(itemIndex: number): RequestGate {
		return new RequestGate(this.limit, itemIndex, this.state);
	}

	/** Requests in flight right now. */
	get inFlight(): number {
		return this.state.active;
	}

	/** Hold no new request before `ms` from now (the longest pause asked for wins). */
	pause(ms: number): void {
		this.state.pausedUntil = Math.max(this.state.pausedUntil, Date.now() + ms);
	}

	/**
	 * Item `itemIndex` failed and stops the node: from it on, no item starts another request
	 * (those queued, and any asked for later, end with GateClosedError; those in flight finish).
	 * Items before it go on, as they would have run first one item at a time.
	 */
	stopFrom(itemIndex: number): void {
		const state = this.state;
		state.stopFrom = Math.min(state.stopFrom, itemIndex);
		const queued = state.waiting.splice(0);
		for (const waiter of queued) {
			if (waiter.itemIndex >= state.stopFrom) waiter.fail(new GateClosedError());
			else state.waiting.push(waiter);
		}
	}

	/** Run `task` as one request: waits for a free slot and for any pause to end. */
	async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(signal);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	private async acquire(signal?: AbortSignal): Promise<void> {
		const state = this.state;
		let queued = false;
		for (;;) {
			if (this.itemIndex >= state.stopFrom) {
				// Woken for a free slot it will not use: hand the turn on to the next in line.
				if (queued) this.wakeNext();
				throw new GateClosedError();
			}
			const pause = state.pausedUntil - Date.now();
			if (pause > 0) {
				await abortableWait(pause, signal);
				continue;
			}
			if (state.active < this.limit) {
				state.active++;
				return;
			}
			await this.queue(queued, signal);
			queued = true;
		}
	}

	/** Wait in line for a slot; a cancelled execution leaves the line at once. */
	private async queue(again: boolean, signal?: AbortSignal): Promise<void> {
		const state = this.state;
		if (signal?.aborted) throw cancelledError();
		let onAbort: (() => void) | undefined;
		try {
			await new Promise<void>((wake, fail) => {
				const waiter: Waiter = { itemIndex: this.itemIndex, wake, fail };
				// Woken but beaten to the slot: back to the head of the queue, keeping its turn.
				if (again) state.waiting.unshift(waiter);
				else state.waiting.push(waiter);
				if (signal) {
					onAbort = () => {
						const at = state.waiting.indexOf(waiter);
						if (at >= 0) state.waiting.splice(at, 1);
						fail(cancelledError());
					};
					signal.addEventListener('abort', onAbort, { once: true });
				}
			});
		} finally {
			if (signal && onAbort) signal.removeEventListener('abort', onAbort);
		}
	}

	private release(): void {
		this.state.active--;
		this.wakeNext();
	}

	private wakeNext(): void {
		const state = this.state;
		if (state.active >= this.limit) return;
		const next = state.waiting.shift();
		// Woken on the next turn of the event loop, once the request that just ended has been
		// dealt with: if it failed the batch, the next one knows before it starts.
		if (next) setImmediate(next.wake);
	}
}
