/**
 * The measured side of the benchmark, one scenario per fresh process:
 *
 *   node --expose-gc --import tsx bench/worker.ts batch|overhead|memory
 *
 * with BENCH_DOUBLE_URL and BENCH_API_KEY naming the provider double that bench/run.ts hosts in
 * its own process (so the double's work never counts against the node, in time or in memory).
 * The built node runs through n8n-core's real engine (test/helpers/n8n.ts). Prints one result line.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { bigPng } from '../test/concurrency/bigImage';
import type { InputItem, RunResult } from '../test/helpers/n8n';
import { runNode, shutdownN8n } from '../test/helpers/n8n';
import { PROVIDERS } from '../nodes/NanoBanana/route/providers';
import { PROVIDER_DIALECT, credentialTypes } from '../test/helpers/nanoBanana';
import type { BatchResult, HalfPriceResult, MemoryResult, OverheadResult } from './scenarios';
import { BATCH, HALF_PRICE, JSON_MODEL, JSON_PROVIDER, MEMORY, MODEL, OVERHEAD, PROVIDER, RESULT_PREFIX, SCALE } from './scenarios';

/**
 * The built node (what the package ships; `npm run bench` builds first). Loaded by path: next to
 * the source sits NanoBanana.node.json, which a plain extension-less require would pick instead.
 */
const { NanoBanana } = require(path.resolve(__dirname, '..', 'dist', 'nodes', 'NanoBanana', 'NanoBanana.node.js')) as typeof import('../nodes/NanoBanana/NanoBanana.node');

const doubleUrl = process.env.BENCH_DOUBLE_URL ?? '';
const apiKey = process.env.BENCH_API_KEY ?? '';
const baseUrlOf = (provider: keyof typeof PROVIDERS) => `${doubleUrl}/${PROVIDER_DIALECT[provider]}`;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

interface ExecuteHooks {
	onStart?: () => void;
	/** `execute()` took `ms`, of which `storeMs` in n8n's `prepareBinaryData`. */
	onEnd?: (ms: number, storeMs: number) => void;
}

/** The node, with its `execute` timed: the node's whole path, without the harness around it. */
function timedNode(hooks: ExecuteHooks): INodeType {
	const node = new NanoBanana();
	const execute = node.execute;
	node.execute = async function (this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let storeMs = 0;
		const prepareBinaryData = this.helpers.prepareBinaryData;
		this.helpers.prepareBinaryData = async (...args) => {
			const started = performance.now();
			try {
				return await prepareBinaryData(...args);
			} finally {
				storeMs += performance.now() - started;
			}
		};
		hooks.onStart?.();
		const started = performance.now();
		try {
			return await execute.call(this);
		} finally {
			hooks.onEnd?.(performance.now() - started, storeMs);
		}
	};
	return node;
}

async function runNano(
	parameters: INodeParameters,
	items: InputItem[],
	hooks: ExecuteHooks = {},
	binaryMode: 'default' | 'filesystem' = 'filesystem',
): Promise<RunResult> {
	const provider = (parameters.provider ?? PROVIDER) as keyof typeof PROVIDERS;
	const result = await runNode({
		nodeType: timedNode(hooks),
		parameters,
		credentials: { [PROVIDERS[provider].credentialType]: { data: { apiKey, baseUrl: baseUrlOf(provider) } } },
		credentialTypes,
		items,
		binaryMode,
	});
	if (result.error) throw result.error;
	return result;
}

const generate = (options: INodeParameters = {}): INodeParameters => ({
	provider: PROVIDER,
	operation: 'generate',
	model: MODEL,
	prompt: '={{ $json.p }}',
	options,
});

const prompts = (count: number): InputItem[] => Array.from({ length: count }, (_, i) => ({ json: { p: `A banana, take ${i}` } }));

async function batch(): Promise<BatchResult> {
	const timed = async (concurrency: number, count: number) => {
		const started = performance.now();
		const result = await runNano(generate({ concurrency }), prompts(count));
		const ms = performance.now() - started;
		if (result.items.length !== count) throw new Error(`batch: ${result.items.length} items out of ${count}`);
		return ms;
	};
	await timed(6, BATCH.warmupItems);
	const c1Ms = await timed(1, BATCH.prompts);
	const c6Ms: number[] = [];
	const plainC6Ms: number[] = [];
	for (let r = 0; r < BATCH.c6Runs; r++) {
		c6Ms.push(await timed(6, BATCH.prompts));
		plainC6Ms.push(await plainBatch(6, BATCH.prompts));
	}
	return { c1Ms, c6Ms, plainC6Ms };
}

/** The floor: the same batch as plain `fetch` calls from a pool of `concurrency` workers. */
async function plainBatch(concurrency: number, count: number): Promise<number> {
	const started = performance.now();
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = next++;
			const response = await fetch(`${baseUrlOf(PROVIDER)}/v1/images/generations`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ model: MODEL, prompt: `A banana, take ${i}` }),
			});
			const answer = (await response.json()) as { data: Array<{ b64_json: string }> };
			Buffer.from(answer.data[0].b64_json, 'base64');
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return performance.now() - started;
}

async function overhead(): Promise<OverheadResult> {
	let imageBytes = 0;
	const storeMs: number[] = [];
	const node = async (binaryMode: 'default' | 'filesystem') => {
		let ms = 0;
		const result = await runNano(generate(), prompts(1), { onEnd: (t, store) => ((ms = t), storeMs.push(store)) }, binaryMode);
		imageBytes = Number(result.items[0].json.fileSize);
		return ms;
	};
	const plain = async () => {
		const started = performance.now();
		const response = await fetch(`${baseUrlOf(PROVIDER)}/v1/images/generations`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: MODEL, prompt: 'A banana, take 0' }),
		});
		const answer = (await response.json()) as { data: Array<{ b64_json: string }> };
		const bytes = Buffer.from(answer.data[0].b64_json, 'base64');
		const ms = performance.now() - started;
		if (bytes.length !== imageBytes && imageBytes !== 0) throw new Error('overhead: the two paths saw different images');
		return ms;
	};
	const measure = async (f: () => Promise<number>) => {
		gc();
		return await f();
	};

	for (let i = 0; i < OVERHEAD.warmups; i++) {
		await measure(async () => await node('filesystem'));
		await measure(plain);
	}
	const nodeMs: number[] = [];
	const plainMs: number[] = [];
	for (let i = 0; i < OVERHEAD.rounds; i++) {
		// Alternate which path goes first, so neither always runs on a freshly collected heap.
		if (i % 2 === 0) {
			nodeMs.push(await measure(async () => await node('filesystem')));
			plainMs.push(await measure(plain));
		} else {
			plainMs.push(await measure(plain));
			nodeMs.push(await measure(async () => await node('filesystem')));
		}
	}
	const nodeStoreMs = storeMs.slice(-OVERHEAD.rounds);
	await measure(async () => await node('default'));
	const nodeDefaultModeMs: number[] = [];
	for (let i = 0; i < OVERHEAD.defaultModeRounds; i++) nodeDefaultModeMs.push(await measure(async () => await node('default')));
	return { nodeMs, nodeStoreMs, plainMs, nodeDefaultModeMs, imageBytes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Peak RSS while `run` does its work: a forced GC and a settle first for the baseline, then RSS
 * sampled every `everyMs` between `start` and `stop` (the node's execute(), or the plain loop).
 */
async function peakRss<T>(everyMs: number, run: (start: () => void, stop: () => void) => Promise<T>): Promise<{ baselineRss: number; peakRss: number; samples: number; value: T }> {
	gc();
	await sleep(200);
	gc();
	const baselineRss = process.memoryUsage.rss();
	let peak = baselineRss;
	let measuring = false;
	let samples = 0;
	const sample = () => {
		if (!measuring) return;
		samples++;
		peak = Math.max(peak, process.memoryUsage.rss());
	};
	const timer = setInterval(sample, everyMs);
	try {
		const value = await run(
			() => {
				measuring = true;
				sample();
			},
			() => {
				sample();
				measuring = false;
			},
		);
		return { baselineRss, peakRss: peak, samples, value };
	} finally {
		clearInterval(timer);
	}
}

/**
 * One big edit, its peak memory measured. The multipart route (V-API) asks for MEMORY.answers
 * images with `n`; the JSON route (chat completions) sends the inputs as base64 in the body and
 * gets the images in one answer.
 */
async function memory(route: 'multipart' | 'json' = 'multipart'): Promise<MemoryResult> {
	const base = route === 'json' ? { ...generate(), provider: JSON_PROVIDER, model: JSON_MODEL } : generate({ numberOfImages: MEMORY.answers });
	// Warm up on small payloads: every module loaded, the engine and the route's body builder run once.
	await runNano({ ...base, options: {} }, prompts(1));
	const small: InputItem = { json: { p: 'warm up' }, binary: { a: { data: bigPng(4096, 1), mimeType: 'image/png', fileName: 'a.png' } } };
	await runNano({ ...base, options: {}, operation: 'edit', imageProperties: 'a' }, [small]);

	const names = Array.from({ length: MEMORY.inputs }, (_, i) => `image${i}`);
	const item: InputItem = { json: { p: 'Put them all on one poster' }, binary: {} };
	for (const [i, name] of names.entries()) {
		item.binary![name] = { data: bigPng(MEMORY.inputBytes, i + 1), mimeType: 'image/png', fileName: `${name}.png` };
	}
	const inputBytes = names.reduce((sum, name) => sum + item.binary![name].data.length, 0);

	let executeMs = 0;
	const { baselineRss, peakRss: peak, samples, value: result } = await peakRss(MEMORY.sampleEveryMs, async (start, stop) =>
		await runNano({ ...base, operation: 'edit', imageProperties: names.join(',') }, [item], {
			onStart: start,
			onEnd: (ms) => {
				stop();
				executeMs = ms;
			},
		}),
	);
	if (result.items.length !== MEMORY.answers) throw new Error(`memory: ${result.items.length} images out of ${MEMORY.answers}`);
	const outputBytes = result.items.reduce((sum, i) => sum + Number(i.json.fileSize), 0);
	return { baselineRss, peakRss: peak, inputBytes, outputBytes, samples, executeMs };
}

/**
 * Scale: one execution, SCALE.prompts prompts, each answered with an image of about 1 MB, in
 * filesystem mode. Peak RSS growth during execute(): once n8n has stored an image, the node must
 * not hold it, so the growth must not follow the batch.
 */
async function scale(): Promise<MemoryResult> {
	await runNano(generate({ concurrency: SCALE.concurrency }), prompts(2));
	let executeMs = 0;
	const { baselineRss, peakRss: peak, samples, value: result } = await peakRss(SCALE.sampleEveryMs, async (start, stop) =>
		await runNano(generate({ concurrency: SCALE.concurrency }), prompts(SCALE.prompts), {
			onStart: start,
			onEnd: (ms) => {
				stop();
				executeMs = ms;
			},
		}),
	);
	if (result.items.length !== SCALE.prompts) throw new Error(`scale: ${result.items.length} images out of ${SCALE.prompts}`);
	const outputBytes = result.items.reduce((sum, i) => sum + Number(i.json.fileSize), 0);
	return { baselineRss, peakRss: peak, inputBytes: 0, outputBytes, samples, executeMs };
}

/**
 * The same batch without the node and without n8n: fetch, JSON, base64 decode and a file write
 * per image, 6 at a time. What this process's memory does under that load on its own, to set the
 * node's figure against.
 */
async function scalePlain(): Promise<MemoryResult> {
	const dir = mkdtempSync(path.join(tmpdir(), 'nano-banana-scale-'));
	let written = 0;
	const one = async (i: number) => {
		const response = await fetch(`${baseUrlOf(PROVIDER)}/v1/images/generations`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: MODEL, prompt: `A banana, take ${i}` }),
		});
		const answer = (await response.json()) as { data: Array<{ b64_json: string }> };
		const bytes = Buffer.from(answer.data[0].b64_json, 'base64');
		await writeFile(path.join(dir, `${i}.png`), bytes);
		written += bytes.length;
	};
	const pool = async (count: number) => {
		let next = 0;
		await Promise.all(Array.from({ length: SCALE.concurrency }, async () => {
			while (next < count) await one(next++);
		}));
	};
	try {
		await pool(2);
		const { baselineRss, peakRss: peak, samples, value: executeMs } = await peakRss(SCALE.sampleEveryMs, async (start, stop) => {
			written = 0;
			start();
			const started = performance.now();
			await pool(SCALE.prompts);
			stop();
			return performance.now() - started;
		});
		return { baselineRss, peakRss: peak, inputBytes: 0, outputBytes: written, samples, executeMs };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const usdOf = (result: RunResult): number => Number((result.items[0]?.json.cost as { usd?: number } | undefined)?.usd);

/**
 * Half price on Google: one image direct on the Standard and the Flex tiers, then SCALE.prompts
 * prompts submitted as one batch job and its results (images of about 1 MB, a responses file)
 * collected by Get Batch, with the peak RSS growth while it collects them.
 */
async function halfPrice(): Promise<HalfPriceResult> {
	const google = (extra: INodeParameters): INodeParameters => ({ provider: 'google', model: HALF_PRICE.model, prompt: '={{ $json.p }}', ...extra });
	const standardUsd = usdOf(await runNano(google({ operation: 'generate' }), prompts(1)));
	const flexUsd = usdOf(await runNano(google({ operation: 'generate', options: { serviceTier: 'flex' } }), prompts(1)));
	const submitted = await runNano(google({ operation: 'submitBatch' }), prompts(SCALE.prompts));
	const job = submitted.items[0].json;
	const { baselineRss, peakRss: peak, samples, value: got } = await peakRss(HALF_PRICE.sampleEveryMs, async (start, stop) => {
		let executeMs = 0;
		const result = await runNano({ provider: 'google', operation: 'getBatch' }, [{ json: job }], {
			onStart: start,
			onEnd: (ms) => {
				stop();
				executeMs = ms;
			},
		});
		return { result, executeMs };
	});
	const outputBytes = got.result.items.reduce((sum, i) => sum + Number(i.json.fileSize), 0);
	if (got.result.items.length !== SCALE.prompts) throw new Error(`halfPrice: ${got.result.items.length} images out of ${SCALE.prompts}`);
	return {
		getRss: { baselineRss, peakRss: peak, inputBytes: 0, outputBytes, samples, executeMs: got.executeMs },
		images: got.result.items.length,
		standardUsd,
		flexUsd,
		batchUsd: usdOf(got.result),
	};
}

async function main(): Promise<void> {
	const task = process.argv[2];
	const tasks: Record<string, () => Promise<unknown>> = { batch, overhead, memory: async () => await memory('multipart'), memoryJson: async () => await memory('json'), scale, scalePlain, halfPrice };
	if (!tasks[task]) throw new Error(`Unknown task "${task}": batch, overhead, memory, memoryJson, scale, scalePlain or halfPrice`);
	if (!doubleUrl) throw new Error('BENCH_DOUBLE_URL is not set: run the benchmark with npm run bench');
	try {
		const result = await tasks[task]();
		process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
	} finally {
		await shutdownN8n();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
