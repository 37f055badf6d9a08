/**
 * A Gemini batch job as Google answers for it (`batchGenerateContent`, `GET batches/{id}`): the
 * operation's `metadata` (a GenerateContentBatch: model, state, times, batchStats) and its output,
 * read from `metadata.output` (where @google/genai reads it) or the operation's `response` (where
 * Google's REST guide reads it), and the job's state as the node's items show it.
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject, str } from '../answers/gatewayAnswer';

/** The states Google names `BATCH_STATE_*` (and `JOB_STATE_*` on some answers), without the prefix. */
export type BatchState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'EXPIRED' | 'UNSPECIFIED';

export const FINAL_STATES: ReadonlySet<BatchState> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED']);

export interface BatchJob {
	name: string;
	displayName?: string;
	/** The model ID, without `models/`. */
	model?: string;
	state: BatchState;
	createTime?: string;
	updateTime?: string;
	endTime?: string;
	stats: { requestCount?: number; successfulRequestCount?: number; failedRequestCount?: number; pendingRequestCount?: number };
	/** The results: inline (in the order of the requests) or a responses file (`files/...`). */
	output?: { inlined?: unknown[]; file?: string };
	/** Why a job failed as a whole. */
	error?: { code?: number; message?: string };
}

const count = (v: unknown): number | undefined => (v === undefined || v === null || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));

function readState(value: unknown): BatchState {
	const state = (str(value) ?? '').replace(/^(BATCH|JOB)_STATE_/, '');
	return (['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED'] as string[]).includes(state) ? (state as BatchState) : 'UNSPECIFIED';
}

function readOutput(value: unknown): BatchJob['output'] {
	if (!isObject(value)) return undefined;
	const inline = value.inlinedResponses;
	const inlined = isObject(inline) && Array.isArray(inline.inlinedResponses) ? inline.inlinedResponses : Array.isArray(inline) ? inline : undefined;
	const file = str(value.responsesFile);
	return inlined || file ? { inlined, file } : undefined;
}

/** The job an operation (or a bare batch resource) stands for; undefined when the answer names none. */
export function readBatchJob(body: unknown): BatchJob | undefined {
	if (!isObject(body)) return undefined;
	const batch = isObject(body.metadata) ? body.metadata : body;
	const name = str(body.name) ?? str(batch.name);
	if (!name || !/^batches\//.test(name)) return undefined;
	const stats = isObject(batch.batchStats) ? batch.batchStats : {};
	const error = isObject(body.error) ? { code: count(body.error.code), message: str(body.error.message) } : undefined;
	return {
		name,
		displayName: str(batch.displayName),
		model: str(batch.model)?.replace(/^models\//, ''),
		state: readState(batch.state),
		createTime: str(batch.createTime),
		updateTime: str(batch.updateTime),
		endTime: str(batch.endTime),
		stats: {
			requestCount: count(stats.requestCount),
			successfulRequestCount: count(stats.successfulRequestCount),
			failedRequestCount: count(stats.failedRequestCount),
			pendingRequestCount: count(stats.pendingRequestCount),
		},
		output: readOutput(batch.output) ?? readOutput(body.response),
		error,
	};
}

/** The job as an item shows it: its name, state, counts and times (what is not known is left out). */
export function jobJson(job: BatchJob): IDataObject {
	const json: IDataObject = { batchName: job.name, state: job.state, done: FINAL_STATES.has(job.state) };
	const fields: Array<[string, unknown]> = [
		['displayName', job.displayName],
		['model', job.model],
		['requestCount', job.stats.requestCount],
		['successfulRequestCount', job.stats.successfulRequestCount],
		['failedRequestCount', job.stats.failedRequestCount],
		['pendingRequestCount', job.stats.pendingRequestCount],
		['createTime', job.createTime],
		['updateTime', job.updateTime],
		['endTime', job.endTime],
	];
	for (const [key, value] of fields) if (value !== undefined) json[key] = value as IDataObject[string];
	return json;
}

/** `batches/x` for a name typed with or without its prefix; undefined for anything else. */
export function batchResource(typed: string): string | undefined {
	const name = typed.trim();
	const match = /^(?:batches\/)?([A-Za-z0-9_-]+)$/.exec(name);
	return match ? `batches/${match[1]}` : undefined;
}
