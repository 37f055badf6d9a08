/**
 * Submit Batch: every input item becomes requests of one Gemini batch job (half price, results
 * within 24 hours), inline while the job is under ~20 MB, else as a JSONL file streamed through the
 * Files API. Bad items are refused before anything is submitted, named by item; under "Continue On
 * Fail" they are left out, and the job's item says which and why. The node outputs one item: the
 * job's name, state, requests and keys, and what it will cost at the batch price. With "Wait for
 * Completion" it polls the job, backing off, up to the time given: a job that succeeds in time
 * gives its images as Get Batch does, any other its state.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { checkAnswer } from '../answers/answerCheck';
import type { CallScope } from '../callScope';
import { itemError } from '../errors';
import { BATCH_PRICE_FACTOR } from '../models/catalogue';
import type { ProviderId } from '../route/providers';
import { PROVIDERS } from '../route/providers';
import { RequestGate } from '../transport/requestGate';
import { exchangeSteps } from '../transport/send';
import { warningText } from '../warnings';
import { uploadFile } from '../wireFormats/geminiFiles';
import { fileBody, fitsInline, inlineBody, requestsFile } from './batchBody';
import { getJob, submitJob } from './batchCalls';
import type { BatchJob } from './batchJob';
import { FINAL_STATES, jobJson } from './batchJob';
import { jobOutcome } from './batchJobs';
import type { BatchRequest, ItemRequests } from './batchRequests';
import { itemRequests } from './batchRequests';

/** Waits between polls while Submit Batch waits for the job: from 2 s up to 2 minutes. */
const POLL_WAITS_MS = [2_000, 5_000, 10_000, 20_000, 40_000, 60_000, 120_000];

interface Gathered {
	requests: BatchRequest[];
	perItem: ItemRequests[];
	skipped: IDataObject[];
}

const messageOf = (error: unknown) => (error as Error).message ?? String(error);

/** Every item's requests; a bad item stops the node before anything is submitted, or under "Continue On Fail" is left out. */
async function gather(ctx: IExecuteFunctions): Promise<Gathered> {
	const gathered: Gathered = { requests: [], perItem: [], skipped: [] };
	const gate = new RequestGate(4);
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			const item = await itemRequests(ctx, itemIndex, gate);
			gathered.perItem.push(item);
			gathered.requests.push(...item.requests);
		} catch (error) {
			if (!ctx.continueOnFail()) {
				// The node's own errors name the item already: as they are.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
				throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
			}
			gathered.skipped.push({ itemIndex, error: messageOf(error) });
		}
	}
	return gathered;
}

/** The job's cost at the batch price, where the catalogue prices every item's model and size. */
function batchCost(perItem: ItemRequests[]): IDataObject | undefined {
	if (perItem.some((i) => i.listPrice === undefined)) return undefined;
	const usd = perItem.reduce((sum, i) => sum + (i.listPrice as number) * i.requests.length, 0) * BATCH_PRICE_FACTOR;
	return { usd: Math.round(usd * 1e6) / 1e6, basis: 'perImage', priced: perItem[0].priced ?? null, priceFactor: BATCH_PRICE_FACTOR };
}

/** Poll the job until it ends or the time runs out, the waits growing; stopping the execution ends a wait at once. */
async function waitForJob(scope: CallScope, job: BatchJob, minutes: number): Promise<BatchJob> {
	const steps = exchangeSteps(scope, checkAnswer);
	const deadline = Date.now() + minutes * 60_000;
	let current = job;
	for (let n = 0; !FINAL_STATES.has(current.state); n++) {
		const wait = Math.min(POLL_WAITS_MS[Math.min(n, POLL_WAITS_MS.length - 1)], deadline - Date.now());
		if (wait <= 0) break;
		await steps.wait(wait);
		current = await getJob(scope, current.name);
	}
	return current;
}

function displayNameOf(ctx: IExecuteFunctions): string {
	const typed = String((ctx.getNodeParameter('options', 0, {}) as IDataObject).batchDisplayName ?? '').trim();
	if (typed !== '') return typed;
	return `n8n: ${ctx.getWorkflow().name ?? 'workflow'} (execution ${ctx.getExecutionId() ?? 'manual'})`;
}

export async function runSubmitBatch(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const provider = PROVIDERS[ctx.getNodeParameter('provider', 0) as ProviderId];
	if (provider?.gemini?.batch !== true) throw itemError(ctx, 0, `${provider?.displayName ?? 'This provider'} has no batch mode`, "Batch jobs run on Google's Gemini API: choose it under Provider.");
	const { requests, perItem, skipped } = await gather(ctx);
	if (requests.length === 0) throw new NodeOperationError(ctx.getNode(), 'No item made a request, so no batch job was submitted', { description: `Every item was left out: ${skipped.map((s) => `item ${String(s.itemIndex)}: ${String(s.error)}`).join('; ')}` });
	const first = requests[0];
	const other = requests.find((r) => r.model !== first.model);
	if (other) throw itemError(ctx, other.itemIndex, `A batch job is for one model: item ${other.itemIndex} asks for "${other.model}", item ${first.itemIndex} for "${first.model}"`, 'Give every item the same model, or split the items into one Submit Batch per model.');

	// The job's calls go through the first item's route, opened and checked when its requests were read.
	const { scope } = perItem[0];
	const { s } = scope;
	const displayName = displayNameOf(ctx);
	const inline = fitsInline(displayName, requests);
	let job: BatchJob;
	if (inline) job = await submitJob(scope, first.model, async () => await inlineBody(displayName, requests));
	else {
		const file = await uploadFile({ scope, provider: s.provider, baseUrl: scope.connection?.baseUrl ?? '', steps: exchangeSteps(scope, checkAnswer) }, requestsFile(displayName, requests));
		job = await submitJob(scope, first.model, async () => fileBody(displayName, file.name));
	}
	const keys = requests.map((r) => r.key);
	if (ctx.getNodeParameter('waitForCompletion', 0, false) === true) {
		job = await waitForJob(scope, job, Number(ctx.getNodeParameter('maxWaitMinutes', 0, 10)) || 10);
		if (job.state === 'SUCCEEDED' || job.state === 'FAILED' || job.state === 'EXPIRED') return [await jobOutcome(scope, job, { operation: 'submitBatch', keys, pairWith: 'requestItem' })];
	}

	const json: IDataObject = { ...jobJson(job), requestCount: job.stats.requestCount ?? requests.length, input: inline ? 'inline' : 'file', keys };
	const cost = batchCost(perItem);
	if (cost) json.cost = cost;
	const warnings = [...new Set(perItem.flatMap((i) => i.warnings.map(warningText)))];
	if (skipped.length > 0) {
		json.skipped = skipped;
		warnings.push(`${skipped.length} item${skipped.length === 1 ? ' was' : 's were'} left out of the job (Continue On Fail): ${skipped.map((i) => `item ${String(i.itemIndex)}`).join(', ')}. See skipped.`);
	}
	if (warnings.length > 0) json.warnings = warnings;
	return [[{ json, pairedItem: items.map((_, item) => ({ item })) }]];
}
