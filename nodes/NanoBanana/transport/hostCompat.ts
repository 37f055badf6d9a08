/**
 * What the node needs from n8n that is not the same on every n8n line it runs on (1.123, 2.8,
 * 2.41), kept in this one place. Everything else the node imports from `n8n-workflow` exists on
 * all of them, and the end-to-end matrix checks that inside each host.
 *
 * - An abortable wait. n8n-workflow had `sleepWithAbort` up to about 2.30 and dropped it by 2.35
 *   (2.41 has only `sleep`, which cannot be cancelled), so the node keeps its own, built on the
 *   timers and AbortSignal every Node.js has. Unlike n8n's, it also removes its abort listener
 *   when the time is up, so hundreds of waits in a long batch leave nothing on the execution's
 *   signal.
 * - The cancellation error. `ManualExecutionCancelledError` is what n8n's engine recognises as
 *   "stopped by the user" on all three lines; should a later line drop it, the wait still ends
 *   with an error of the same name and message instead of a crash on `undefined`.
 */
import * as workflow from 'n8n-workflow';

type CancelledErrorClass = new (executionId: string) => Error;

const ManualExecutionCancelled = (workflow as unknown as { ManualExecutionCancelledError?: CancelledErrorClass })
	.ManualExecutionCancelledError;

/** The error an execution stopped by the user ends with. */
export function cancelledError(): Error {
	if (ManualExecutionCancelled) return new ManualExecutionCancelled('');
	const error = new Error('The execution was cancelled manually');
	error.name = 'ManualExecutionCancelledError';
	return error;
}

/** Waits `ms`; ends at once with `cancelledError()` when `signal` aborts (before or during). */
export async function abortableWait(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw cancelledError();
	if (ms <= 0) return;
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(cancelledError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
