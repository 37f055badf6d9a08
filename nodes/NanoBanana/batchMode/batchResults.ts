/**
 * A succeeded job's results as n8n items: one item per image, as Generate makes it, with the
 * request's `key` and the item index it came from, the batch price in `cost`, and the model's
 * words; a request that failed inside the job (or whose answer holds no image) is that request's
 * error, an error item under "Continue On Fail". Inline results are matched to their keys by
 * position (Google may leave their metadata out); a responses file's lines carry their keys, and
 * are read as the file downloads. The items depend on the job alone: reading it twice gives the same.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';

import { checkAnswer, textAnswerError } from '../answers/answerCheck';
import { isObject, str } from '../answers/gatewayAnswer';
import type { Sent } from '../answers/outputItems';
import { toItems } from '../answers/outputItems';
import type { CallScope } from '../callScope';
import { gatewayError } from '../errors';
import { BATCH_PRICE_FACTOR } from '../models/catalogue';
import type { CostEstimate } from '../models/cost';
import { scaled } from '../models/cost';
import { geminiGenerateContent } from '../wireFormats/geminiGenerateContent';
import { readGeminiAnswer } from '../wireFormats/geminiAnswer';
import { readResponsesFile } from './batchCalls';
import type { BatchJob } from './batchJob';
import { itemOfKey } from './batchRequests';

export interface ResultsRun {
	/** The item's scope (the one that names the job, or Submit Batch's first), with the job's model. */
	scope: CallScope;
	job: BatchJob;
	/** The operation that outputs them (getBatch, submitBatch). */
	operation: string;
	/** The requests' keys in order, as Submit Batch gave them: an inline result without metadata takes its position's. */
	keys?: string[];
	/** Pair each result with the job's item (Get Batch) or with the item its request came from (Submit Batch that waited). */
	pairWith: 'jobItem' | 'requestItem';
}

interface BatchResult {
	key: string;
	response?: unknown;
	error?: { code?: unknown; message?: unknown; status?: unknown };
}

function readResult(entry: unknown, fallbackKey: string): BatchResult {
	const e = isObject(entry) ? entry : {};
	const key = str(e.key) ?? (isObject(e.metadata) ? str(e.metadata.key) : undefined) ?? fallbackKey;
	return { key, response: e.response, error: isObject(e.error) ? e.error : e.response === undefined ? { message: 'The result holds neither a response nor an error.' } : undefined };
}

/** Each result in turn: inline ones from the job, a file's as it downloads. */
async function eachResult(run: ResultsRun, visit: (result: BatchResult) => Promise<void>, restart: () => void): Promise<void> {
	const { job, keys } = run;
	if (job.output?.inlined) {
		for (const [i, entry] of job.output.inlined.entries()) await visit(readResult(entry, keys?.[i] ?? String(i)));
		return;
	}
	if (!job.output?.file) {
		throw gatewayError(run.scope, undefined, `${job.name} succeeded but names no results`, 'Its answer held neither inline responses nor a responses file. Run Get Batch again in a minute.');
	}
	await readResponsesFile(run.scope, job.output.file, restart, async (line) => {
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			parsed = { error: { message: `A line of ${job.output?.file} is not JSON: ${line.slice(0, 200)}` } };
		}
		await visit(readResult(parsed, '?'));
	});
}

/** The error a failed request stands for. */
function requestError(run: ResultsRun, result: BatchResult): NodeApiError {
	const { code, message, status } = result.error ?? {};
	const said = typeof message === 'string' && message !== '' ? message : 'no message';
	const codeText = code !== undefined ? ` (code ${String(code)}${typeof status === 'string' ? ` ${status}` : ''})` : '';
	return gatewayError(run.scope, undefined, `Request "${result.key}" of ${run.job.name} failed: ${said}${codeText}`, 'The other requests of the job are not affected. Submit this item again in a new batch, or run it with Generate or Edit.');
}

/** The items of one result: its images (or the text item), or its error under "Continue On Fail". */
async function resultItems(run: ResultsRun, result: BatchResult): Promise<INodeExecutionData[]> {
	const { scope } = run;
	if (result.error) throw requestError(run, result);
	const answer = { ...readGeminiAnswer(result.response, scope.connection?.baseUrl ?? ''), created: run.job.endTime ? Math.floor(Date.parse(run.job.endTime) / 1000) : undefined };
	checkAnswer(scope, answer);
	const sent: Sent = { call: { requests: 1, warnings: [], exchange: async () => answer }, planWarnings: [], answers: [], texts: [], failures: [] };
	if (answer.images.length > 0) sent.answers.push(answer);
	else if (scope.s.onTextAnswer === 'output') {
		sent.texts.push(...answer.texts);
		sent.finishReason = answer.finish?.reason;
	} else throw textAnswerError(scope, answer);
	return await toItems(scope, geminiGenerateContent, sent, []);
}

/** The job every result item names, and that it is done: a loop of Wait and Get Batch nodes can stop on `done`. */
const jobFields = (run: ResultsRun): IDataObject => ({ batchName: run.job.name, state: run.job.state, done: true });

/** What a batch result's item says beyond Generate's: the job, the request's key and item, the batch price. */
function describe(run: ResultsRun, result: BatchResult, item: INodeExecutionData, n: number): INodeExecutionData {
	const itemIndex = itemOfKey(result.key);
	const { prompt: _prompt, ...json } = item.json;
	const out: IDataObject = { ...json, operation: run.operation, ...jobFields(run), key: result.key, itemIndex: itemIndex ?? null };
	if (json.cost) out.cost = scaled(json.cost as CostEstimate, BATCH_PRICE_FACTOR);
	const property = run.scope.s.outputProperty;
	const binary = item.binary?.[property];
	if (binary) {
		const fileName = `nano-banana-batch-${result.key}${n > 0 ? `-${n}` : ''}.${binary.fileExtension ?? 'png'}`;
		out.fileName = fileName;
		binary.fileName = fileName;
	}
	const paired = run.pairWith === 'requestItem' && itemIndex !== undefined ? itemIndex : run.scope.s.itemIndex;
	return { ...item, json: out, pairedItem: { item: paired } };
}

/** Every result of a succeeded job as items; `continueOnFail` makes a failed request an error item instead of the node's error. */
export async function jobResults(run: ResultsRun, continueOnFail: boolean): Promise<INodeExecutionData[]> {
	let out: INodeExecutionData[] = [];
	await eachResult(
		run,
		async (result) => {
			try {
				const items = await resultItems(run, result);
				out.push(...items.map((item, n) => describe(run, result, item, n)));
			} catch (error) {
				// A request's error (a NodeApiError naming the job and the key), or a download's: as it is.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				if (!continueOnFail) throw error;
				const e = error as NodeApiError;
				const json: IDataObject = { error: e.message, ...jobFields(run), key: result.key, itemIndex: itemOfKey(result.key) ?? null };
				if (e.description) json.description = e.description;
				if (e.httpCode) json.httpCode = e.httpCode;
				const paired = run.pairWith === 'requestItem' ? (itemOfKey(result.key) ?? run.scope.s.itemIndex) : run.scope.s.itemIndex;
				out.push({ json, pairedItem: { item: paired } });
			}
		},
		() => {
			out = [];
		},
	);
	return out;
}
