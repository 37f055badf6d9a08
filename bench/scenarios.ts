/**
 * What the benchmark runs (issue #5), shared by the orchestrator (bench/run.ts, which hosts the
 * provider double) and the measured child processes (bench/worker.ts).
 */
export const MB = 1024 * 1024;

export const BATCH = {
	prompts: 24,
	latencyMs: 500,
	/** Runs at concurrency 6 (the median counts); concurrency 1 runs once (it takes 12 s). */
	c6Runs: 5,
	warmupItems: 6,
};

export const OVERHEAD = {
	/** One 4K-sized answer: a 4096x4096 PNG padded to this many bytes (about 6 MB of base64). */
	imageBytes: 4.5 * MB,
	warmups: 5,
	rounds: 25,
	/** Extra table row: the node in n8n's `default` binary mode (the item keeps base64). */
	defaultModeRounds: 7,
};

export const MEMORY = {
	inputs: 6,
	inputBytes: 8 * MB,
	answers: 4,
	/** Each answer's PNG; its base64 is about 6 MB. */
	answerImageBytes: 4.5 * MB,
	sampleEveryMs: 2,
};

/** One execution turning many prompts into images of about 1 MB each (filesystem mode): RSS must not follow the batch. */
export const SCALE = {
	prompts: Number(process.env.BENCH_SCALE_PROMPTS ?? 200),
	imageBytes: 1 * MB,
	concurrency: 6,
	sampleEveryMs: 5,
};

export const COLD = { runs: 7 };

/** Half price on Google: SCALE.prompts prompts as one batch job whose results are images of about 1 MB, and the Flex tier. */
export const HALF_PRICE = { model: 'gemini-3-pro-image', sampleEveryMs: 5 };

export interface HalfPriceResult {
	/** Peak RSS growth while Get Batch collects the job's results (filesystem mode). */
	getRss: MemoryResult;
	images: number;
	/** json.cost.usd of one image: direct on the Standard tier, on Flex, and from the batch job. */
	standardUsd: number;
	flexUsd: number;
	batchUsd: number;
}

/** The gateway the node talks to in every scenario: V-API style, a model that answers base64. */
export const PROVIDER = 'gptGe' as const;
export const MODEL = 'gemini-2.5-flash-image';

/** The JSON route of the memory figure: chat completions (images as base64 data URLs both ways). */
export const JSON_PROVIDER = 'openRouter' as const;
export const JSON_MODEL = 'google/gemini-3-pro-image';

/** A chat-completions answer holding these images as data URLs in `message.images`. */
export function chatAnswerBody(images: Buffer[]): Buffer {
	return Buffer.from(
		JSON.stringify({
			choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '', images: images.map((b) => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${b.toString('base64')}` } })) } }],
		}),
	);
}

/** A gateway answer holding these images as base64, ready to be sent as is. */
export function answerBody(images: Buffer[]): Buffer {
	return Buffer.from(
		JSON.stringify({ created: Math.floor(Date.now() / 1000), data: images.map((b) => ({ b64_json: b.toString('base64') })) }),
	);
}

/** What a measured child prints on stdout, after this prefix, as one line of JSON. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface BatchResult {
	c1Ms: number;
	c6Ms: number[];
	/** The same batch as plain fetch calls, 6 at a time: what the double and the wire cost alone. */
	plainC6Ms: number[];
}

export interface OverheadResult {
	nodeMs: number[];
	/** Of each of nodeMs, the time spent in n8n's prepareBinaryData (writing the image to disk). */
	nodeStoreMs: number[];
	plainMs: number[];
	nodeDefaultModeMs: number[];
	imageBytes: number;
}

export interface MemoryResult {
	baselineRss: number;
	peakRss: number;
	inputBytes: number;
	outputBytes: number;
	samples: number;
	executeMs: number;
}
