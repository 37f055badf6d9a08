/**
 * Caps the gateway requests in flight across all items of one execution, and lets a 429
 * slow the whole batch down: while the gate is paused no request starts, so workers do
 * not each hammer a gateway that has just said "too many requests".
 */
import { sleepWithAbort } from 'n8n-workflow';

/** Waits `ms`, ending early (with n8n's cancellation error) when the execution is cancelled. */
export async function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0) return;
	if (!signal) return await sleepWithAbort(ms);
	// n8n's helper adds an abort listener it never removes; give it a short-lived signal of its
	// own so that hundreds of waits in a long batch do not pile listeners onto the execution's.
	const local = new AbortController();
	const forward = () => local.abort();
	if (signal.aborted) local.abort();
	else signal.addEventListener('abort', forward, { once: true });
	try {
		await sleepWithAbort(ms, local.signal);
	} finally {
		signal.removeEventListener('abort', forward);
	}
}

export class RequestGate {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	private pausedUntil = 0;

	constructor(readonly limit: number) {}

	/** Requests in flight right now. */
	get inFlight(): number {
		return this.active;
	}

	/** Hold no new request before `ms` from now (the longest pause asked for wins). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
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
		for (;;) {
			const pause = this.pausedUntil - Date.now();
			if (pause > 0) {
				await waitFor(pause, signal);
				continue;
			}
			if (this.active < this.limit) {
				this.active++;
				return;
			}
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
	}

	private release(): void {
		this.active--;
		this.waiting.shift()?.();
	}
}
