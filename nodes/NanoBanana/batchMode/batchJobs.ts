/**
 * Get Batch and Cancel Batch, one job per input item (its Batch Name), "Continue On Fail" per
 * item; and what a job's state makes of an item: a succeeded job's images, a whole job that
 * failed or expired as an error, any other state as an item that says where the job is.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorJson } from '../batch';
import type { CallScope } from '../callScope';
import { failureOf, gatewayError, itemError } from '../errors';
import { readJobSettings, withJobModel } from '../settings/jobSettings';
import { cancelJob, getJob, jobScope } from './batchCalls';
import type { BatchJob } from './batchJob';
import { FINAL_STATES, batchResource, jobJson } from './batchJob';
import type { ResultsRun } from './batchResults';
import { jobResults } from './batchResults';

/** The keys Submit Batch gave the job's requests, when the item that names the job is its output. */
function keysOf(json: IDataObject): string[] | undefined {
	return Array.isArray(json.keys) && json.keys.every((k) => typeof k === 'string') ? (json.keys as string[]) : undefined;
}

/** What a job's state makes of the item: its images, its failure, or where it is. */
export async function jobOutcome(scope: CallScope, job: BatchJob, run: Omit<ResultsRun, 'scope' | 'job'>): Promise<INodeExecutionData[]> {
	const resultsScope = { ...scope, s: withJobModel(scope.s, job.model) };
	if (job.state === 'SUCCEEDED') return await jobResults({ ...run, scope: resultsScope, job }, scope.ctx.continueOnFail());
	if (job.state === 'FAILED') {
		throw gatewayError(scope, undefined, `${job.name} failed as a whole: ${job.error?.message ?? 'Google gave no reason'}${job.error?.code !== undefined ? ` (code ${job.error.code})` : ''}`, 'None of its images were made. Submit the items again; when a job fails twice, try one item with Generate or Edit to see what is wrong with the requests.');
	}
	if (job.state === 'EXPIRED') {
		throw gatewayError(scope, undefined, `${job.name} expired before it finished`, 'Google ends a job that has not finished within 48 hours; its results are lost. Submit the items again: smaller jobs finish sooner.');
	}
	const json: IDataObject = jobJson(job);
	if (run.keys) json.keys = run.keys;
	return [{ json, pairedItem: { item: scope.s.itemIndex } }];
}

/** The job an item names: its Batch Name checked, the job read (an unknown one named as such). */
async function namedJob(ctx: IExecuteFunctions, itemIndex: number): Promise<{ scope: CallScope; job: BatchJob }> {
	const s = readJobSettings(ctx, itemIndex);
	if (s.provider.gemini?.batch !== true) throw itemError(ctx, itemIndex, `${s.provider.displayName} has no batch mode`, "Batch jobs run on Google's Gemini API: choose it under Provider.");
	const typed = String(ctx.getNodeParameter('batchName', itemIndex, '') ?? '');
	const name = batchResource(typed);
	if (!name) throw itemError(ctx, itemIndex, typed.trim() === '' ? '"Batch Name" is empty' : `"Batch Name" ${JSON.stringify(typed)} is not a batch job's name`, 'Give the batchName Submit Batch output, for example batches/123abc (the default reads it from the input item).');
	const scope = await jobScope({ ctx, s });
	try {
		return { scope, job: await getJob(scope, name) };
	} catch (error) {
		// Any other failure is already the item's NodeApiError, with the provider's words.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (failureOf(error)?.status !== 404) throw error;
		throw gatewayError(scope, 404, `Google has no batch job ${name}`, 'Check Batch Name: it is the batchName Submit Batch output, with the same API key. Google deletes jobs some time after they end.');
	}
}

async function getBatch(ctx: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { scope, job } = await namedJob(ctx, itemIndex);
	return await jobOutcome(scope, job, { operation: 'getBatch', keys: keysOf(ctx.getInputData()[itemIndex].json), pairWith: 'jobItem' });
}

async function cancelBatch(ctx: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { scope, job } = await namedJob(ctx, itemIndex);
	if (FINAL_STATES.has(job.state)) {
		return [{ json: { ...jobJson(job), warnings: [`${job.name} had already ended (${job.state}): there was nothing to cancel.`] }, pairedItem: { item: itemIndex } }];
	}
	await cancelJob(scope, job.name);
	return [{ json: jobJson(await getJob(scope, job.name)), pairedItem: { item: itemIndex } }];
}

/** Get Batch or Cancel Batch for every input item, in order; a failure stops the node or, under "Continue On Fail", is the item's error item. */
export async function runJobOperation(ctx: IExecuteFunctions, operation: 'getBatch' | 'cancelBatch'): Promise<INodeExecutionData[][]> {
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			out.push(...(operation === 'getBatch' ? await getBatch(ctx, itemIndex) : await cancelBatch(ctx, itemIndex)));
		} catch (error) {
			if (ctx.continueOnFail()) {
				out.push({ json: errorJson(error), pairedItem: { item: itemIndex } });
				continue;
			}
			// The node's own errors name the item already: as they are.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
	}
	return [out];
}
