/**
 * The calls of Gemini batch mode, each through the one retry loop and the gate: submit a job
 * (`models/{model}:batchGenerateContent`), read it (`batches/{id}`), cancel it
 * (`batches/{id}:cancel`), and read a responses file line by line as it downloads
 * (`download/v1beta/files/{id}:download?alt=media`), never whole.
 */
import type { Readable } from 'node:stream';

import type { CallScope } from '../callScope';
import { failedAttempt, gatewayError } from '../errors';
import { openConnection } from '../route/connection';
import { accountSlots } from '../transport/accountGate';
import type { RequestBody } from '../transport/httpAttempt';
import { attemptOnce } from '../transport/httpAttempt';
import { RequestGate } from '../transport/requestGate';
import { gated, withRetries } from '../transport/retryLoop';
import { requestWithRetries } from '../transport/send';
import { WIRE_FORMATS } from '../wireFormats';
import { modelResource } from '../wireFormats/geminiGenerateContent';
import type { BatchJob } from './batchJob';
import { readBatchJob } from './batchJob';

/** A job's calls go one after another: a few in flight at most. */
const JOB_CALLS_IN_FLIGHT = 4;

/** The scope of a job's calls, for the item that names (or starts) it: its connection, a small gate of its own. */
export async function jobScope(start: Omit<CallScope, 'gate'>): Promise<CallScope> {
	const connection = await openConnection(start.ctx, start.s.itemIndex, start.s.provider);
	const gate = new RequestGate(JOB_CALLS_IN_FLIGHT).forItem(start.s.itemIndex).withAccount(accountSlots(connection.account));
	return { ...start, connection, gate, retryDelayIn: WIRE_FORMATS[connection.format].retryDelay };
}

const baseOf = (scope: CallScope) => scope.connection?.baseUrl ?? '';

/** The job an answer names, or the item's error saying what came back instead. */
function jobOf(scope: CallScope, status: number, body: Buffer, doing: string): BatchJob {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		// Not JSON: said below.
	}
	const job = readBatchJob(parsed);
	if (!job) throw gatewayError(scope, status, `${scope.s.provider.displayName} answered ${doing} without a batch job`, `It answered: ${body.toString('utf8').slice(0, 300)}`);
	return job;
}

/** Submit the job: its requests inline in the body, or a file of them uploaded first. */
export async function submitJob(scope: CallScope, model: string, body: () => Promise<RequestBody>): Promise<BatchJob> {
	const url = `${baseOf(scope)}/v1beta/${modelResource(model)}:batchGenerateContent`;
	const response = await requestWithRetries(scope, async () => ({ method: 'POST', url, headers: {}, body: await body(), authenticated: true }));
	return jobOf(scope, response.status, response.body, 'the submit');
}

export async function getJob(scope: CallScope, name: string): Promise<BatchJob> {
	const response = await requestWithRetries(scope, async () => ({ method: 'GET', url: `${baseOf(scope)}/v1beta/${name}`, headers: {}, authenticated: true }));
	return jobOf(scope, response.status, response.body, `for ${name}`);
}

export async function cancelJob(scope: CallScope, name: string): Promise<void> {
	// An empty JSON object, as Google's client sends it (n8n leaves an empty object out of a body).
	await requestWithRetries(scope, async () => ({ method: 'POST', url: `${baseOf(scope)}/v1beta/${name}:cancel`, headers: {}, body: Buffer.from('{}'), authenticated: true }));
}

/**
 * The lines of a stream, one at a time: the next chunk is read only when the last line has been
 * handled (readline's iterator reads ahead and queues every line it can, the whole file if the
 * lines are handled slower than they come).
 */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
	// The pieces of the line that has not ended yet: joined once, when its newline comes.
	let pieces: Buffer[] = [];
	for await (const chunk of stream) {
		let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10)) {
			pieces.push(data.subarray(0, end));
			yield Buffer.concat(pieces).toString('utf8');
			pieces = [];
			data = data.subarray(end + 1);
		}
		if (data.length > 0) pieces.push(data);
	}
	if (pieces.length > 0) yield Buffer.concat(pieces).toString('utf8');
}

/**
 * Each line of a responses file, as it downloads. A download that breaks off is sent again from
 * the start, as the retry loop says; `start` is told so, to forget what the broken one gave.
 */
export async function readResponsesFile(scope: CallScope, file: string, start: () => void, line: (text: string) => Promise<void>): Promise<void> {
	const url = `${baseOf(scope)}/download/v1beta/${file}:download?alt=media`;
	await withRetries(
		scope,
		async (signal) =>
			await gated(scope.gate, signal, async () => {
				const response = await attemptOnce(scope, { method: 'GET', url, headers: {}, authenticated: true, stream: true }, signal);
				start();
				if (!response.stream) {
					for (const text of response.body.toString('utf8').split('\n')) if (text.trim() !== '') await line(text);
					return;
				}
				const lines = linesOf(response.stream);
				for (;;) {
					let next: IteratorResult<string>;
					try {
						next = await lines.next();
					} catch {
						throw failedAttempt(gatewayError(scope, undefined, `${scope.s.provider.displayName} broke off the results file ${file} before it was complete`, 'This is usually temporary: it was downloaded again from the start.'), true);
					}
					if (next.done) return;
					if (next.value.trim() !== '') await line(next.value);
				}
			}),
		undefined,
		scope.s.firstBackoffMs,
	);
}
