/**
 * `npm run bench` (issue #5): builds, then measures against the provider double, in one run and
 * side by side, and prints ratios. Not part of the tests; it never fails on timing.
 *
 * This process hosts the provider double (test/double/providerDouble.ts) with scripted, ready-made
 * answers; each scenario runs the node in a fresh child process (bench/worker.ts), so neither the
 * double's CPU nor its memory counts against the node.
 *
 *   1. batch     24 prompts, latency 500 ms: concurrency 1 vs 6 vs the ideal ceil(24/c) * latency
 *   2. overhead  one 4K-sized answer (~6 MB base64): the node's execute() vs fetch + Buffer.from
 *   3. memory    edit, 6 inputs of 8 MB (filesystem mode), 4 answers of ~6 MB: peak RSS growth
 *                over the bytes moved
 *   4. cold      require() of dist/nodes/NanoBanana/NanoBanana.node.js in a fresh `node -e`
 *
 * Besides the table it prints `figure NAME VALUE` lines, and writes docs/performance.md.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { encodePng } from '../test/double/images';
import type { ProviderDouble } from '../test/double/providerDouble';
import { startProviderDouble } from '../test/double/providerDouble';
import { padPng } from '../test/concurrency/bigImage';
import { N8N_SECTION_END, N8N_SECTION_START } from './n8nSection';
import type { BatchResult, HalfPriceResult, MemoryResult, OverheadResult } from './scenarios';
import { BATCH, COLD, HALF_PRICE, MB, MEMORY, OVERHEAD, RESULT_PREFIX, SCALE, answerBody, chatAnswerBody } from './scenarios';

const root = path.resolve(__dirname, '..');
const builtNode = path.join(root, 'dist', 'nodes', 'NanoBanana', 'NanoBanana.node.js');
const COMMAND = 'npm run bench';

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs one scenario in a fresh process and returns what it printed after RESULT_PREFIX. */
function runWorker<T>(double: ProviderDouble, task: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', 'worker.ts'), task], {
			cwd: root,
			env: { ...process.env, BENCH_DOUBLE_URL: double.url, BENCH_API_KEY: double.apiKey },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => (out += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
			if (code !== 0 || !line) {
				reject(new Error(`bench worker "${task}" failed (exit ${code}):\n${out}`));
				return;
			}
			resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
		});
	});
}

/** Every request takes the next of these ready answers (no PNG is made while measuring). */
function script(double: ProviderDouble, body: Buffer, count: number, latencyMs: number): void {
	double.reset();
	double.settings.latencyMs = latencyMs;
	for (let i = 0; i < count; i++) double.enqueue({ status: 200, body, headers: { 'content-type': 'application/json' } });
}

/** Milliseconds to require `file` in a fresh node process, measured inside it. */
function requireMs(file: string, preload?: string): number {
	const code = [
		preload ? `require(${JSON.stringify(preload)});` : '',
		'const t = process.hrtime.bigint();',
		`require(${JSON.stringify(file)});`,
		'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));',
	].join('');
	const run = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`require of ${file} failed:\n${run.stderr}`);
	return Number(run.stdout);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const mb = (bytes: number) => `${fmt(bytes / MB, 1)} MB`;
const sec = (ms: number) => `${fmt(ms / 1000, 2)} s`;

interface Row {
	measure: string;
	value: string;
	goal: string;
}

async function main(): Promise<void> {
	if (!existsSync(builtNode)) {
		throw new Error(`${path.relative(root, builtNode)} is missing: run npm run build first (npm run bench does).`);
	}
	const loadBefore = os.loadavg()[0];
	const double = await startProviderDouble();
	try {
		// 1. Batch throughput.
		const small = answerBody([encodePng(1024, 1024, 7)]);
		const batchRequests = BATCH.warmupItems + BATCH.prompts * (1 + 2 * BATCH.c6Runs);
		script(double, small, batchRequests + 4, BATCH.latencyMs);
		process.stderr.write('bench: batch throughput (about 35 s) ...\n');
		const batch = await runWorker<BatchResult>(double, 'batch');
		const ideal = (c: number) => Math.ceil(BATCH.prompts / c) * BATCH.latencyMs;
		const c6 = median(batch.c6Ms);
		const plainC6 = median(batch.plainC6Ms);

		// 2. Node overhead on one 4K-sized answer.
		const big = answerBody([padPng(encodePng(4096, 4096, 11), OVERHEAD.imageBytes)]);
		const overheadRequests = 2 * (OVERHEAD.warmups + OVERHEAD.rounds) + 1 + OVERHEAD.defaultModeRounds;
		script(double, big, overheadRequests + 4, 0);
		process.stderr.write('bench: node overhead ...\n');
		const overhead = await runWorker<OverheadResult>(double, 'overhead');
		const nodeMs = median(overhead.nodeMs);
		const plainMs = median(overhead.plainMs);
		const nodeDefaultMs = median(overhead.nodeDefaultModeMs);
		const storeMs = median(overhead.nodeStoreMs);
		const nodeWithoutStoreMs = median(overhead.nodeMs.map((ms, i) => ms - overhead.nodeStoreMs[i]));

		// 3. Memory: the warm-up runs take the two small answers, the measured edit the big one.
		const answers = Array.from({ length: MEMORY.answers }, (_, i) => padPng(encodePng(4096, 4096, 20 + i), MEMORY.answerImageBytes));
		const memoryBody = answerBody(answers);
		script(double, small, 2, 0);
		double.enqueue({ status: 200, body: memoryBody, headers: { 'content-type': 'application/json' } });
		process.stderr.write('bench: memory ...\n');
		const memory = await runWorker<MemoryResult>(double, 'memory');
		const sent = double.requests[double.requests.length - 1];
		const sentFiles = sent.files ?? [];
		const sentBytes = sentFiles.reduce((sum, f) => sum + f.bytes.length, 0);
		if (sentFiles.length !== MEMORY.inputs || sentBytes !== memory.inputBytes) {
			throw new Error(`memory: the double received ${sentFiles.length} files, ${sentBytes} bytes; the node had ${memory.inputBytes}`);
		}
		const moved = sentBytes + memoryBody.length;
		const growth = memory.peakRss - memory.baselineRss;
		double.reset();

		// 3b. Memory on a JSON route: the same inputs as base64 data URLs in a chat-completions body,
		// the same images back as data URLs in one answer. Warm-ups get the double's own answers.
		const chatBody = chatAnswerBody(answers);
		double.enqueue({ status: 200, body: chatBody, headers: { 'content-type': 'application/json' }, match: (r) => r.rawBodyLength > MB });
		process.stderr.write('bench: memory, JSON route ...\n');
		const memoryJson = await runWorker<MemoryResult>(double, 'memoryJson');
		const jsonSent = double.requests.find((r) => r.rawBodyLength > MB);
		if (!jsonSent) throw new Error('memory (JSON route): the double received no large request');
		const jsonMoved = jsonSent.rawBodyLength + chatBody.length;
		const jsonGrowth = memoryJson.peakRss - memoryJson.baselineRss;
		double.reset();

		// 3c. Scale: 200 prompts, 200 images of about 1 MB, one execution (filesystem mode).
		const scaleBody = answerBody([padPng(encodePng(1024, 1024, 31), SCALE.imageBytes)]);
		script(double, scaleBody, 2 + SCALE.prompts + 4, 0);
		process.stderr.write(`bench: scale, ${SCALE.prompts} images of 1 MB ...\n`);
		const scale = await runWorker<MemoryResult>(double, 'scale');
		const scaleGrowth = scale.peakRss - scale.baselineRss;
		script(double, scaleBody, 2 + SCALE.prompts + 4, 0);
		const scalePlain = await runWorker<MemoryResult>(double, 'scalePlain');
		const scalePlainGrowth = scalePlain.peakRss - scalePlain.baselineRss;
		double.reset();

		// 3d. Half price on Google: Flex, and SCALE.prompts prompts as one batch job (results of about 1 MB each, a responses file).
		double.reset();
		double.gemini.batches.settings.fileOutput = true;
		double.gemini.batches.settings.resultImageBytes = SCALE.imageBytes;
		process.stderr.write(`bench: half price, the Flex tier and ${SCALE.prompts} prompts in batch mode ...\n`);
		const half = await runWorker<HalfPriceResult>(double, 'halfPrice');
		const jobRequests = double.requests.filter((r) => /:batchGenerateContent$|\/batches\/|\/download\//.test(r.path)).length;
		const halfGrowth = half.getRss.peakRss - half.getRss.baselineRss;
		double.reset();

		// 4. Cold start.
		process.stderr.write('bench: cold require ...\n');
		const cold = median(Array.from({ length: COLD.runs }, () => requireMs(builtNode)));
		const workflowAlone = median(Array.from({ length: COLD.runs }, () => requireMs('n8n-workflow')));
		const inHost = median(Array.from({ length: COLD.runs }, () => requireMs(builtNode, 'n8n-workflow')));

		const figures: Array<[string, number]> = [
			['batch_c6_over_ideal', c6 / ideal(6)],
			['batch_c1_over_c6', batch.c1Ms / c6],
			['overhead_node_over_plain', nodeMs / plainMs],
			['memory_peak_over_bytes', growth / moved],
			['memory_json_peak_over_bytes', jsonGrowth / jsonMoved],
			['cold_require_ms', cold],
			['batch_200_rss_growth_mb', scaleGrowth / MB],
			['batch_200_rss_growth_plain_mb', scalePlainGrowth / MB],
			['node_own_over_plain', nodeWithoutStoreMs / plainMs],
			['cold_node_file_ms', inHost],
			['flex_cost_over_standard', half.flexUsd / half.standardUsd],
			['batch_mode_requests_200', jobRequests],
			['batch_mode_cost_over_direct', half.batchUsd / half.standardUsd],
			['batch_mode_get_200_rss_growth_mb', halfGrowth / MB],
		];
		const rows: Row[] = [
			{ measure: `batch: ${BATCH.prompts} prompts, latency ${BATCH.latencyMs} ms, concurrency 1`, value: `${sec(batch.c1Ms)} (ideal ${sec(ideal(1))}, ${fmt(batch.c1Ms / ideal(1))}x)`, goal: '' },
			{ measure: `batch: concurrency 6 (median of ${batch.c6Ms.length})`, value: `${sec(c6)} (ideal ${sec(ideal(6))})`, goal: '' },
			{ measure: 'batch_c6_over_ideal', value: fmt(c6 / ideal(6), 3), goal: '<= 1.10' },
			{ measure: 'batch_c1_over_c6 (speed-up)', value: fmt(batch.c1Ms / c6), goal: `ideal ${fmt(ideal(1) / ideal(6))}` },
			{ measure: `batch: plain fetch, 6 at a time, over ideal (the double and the wire alone)`, value: fmt(plainC6 / ideal(6), 3), goal: '' },
			{ measure: 'batch: node at concurrency 6 over that plain batch', value: fmt(c6 / plainC6, 3), goal: '' },
			{ measure: `overhead: node execute(), filesystem mode (median of ${overhead.nodeMs.length})`, value: `${fmt(nodeMs, 1)} ms`, goal: '' },
			{ measure: `overhead: plain fetch + Buffer.from (median of ${overhead.plainMs.length})`, value: `${fmt(plainMs, 1)} ms`, goal: '' },
			{ measure: `overhead_node_over_plain (${mb(overhead.imageBytes)} image, ${mb(big.length)} answer)`, value: fmt(nodeMs / plainMs), goal: '<= 1.30' },
			{ measure: `overhead: of it, n8n's prepareBinaryData writing the image to disk`, value: `${fmt(storeMs, 1)} ms`, goal: '' },
			{ measure: 'node_own_over_plain: node without that write, over plain', value: fmt(nodeWithoutStoreMs / plainMs), goal: '<= 1.00' },
			{ measure: `overhead: node in n8n's default binary mode over plain (median of ${overhead.nodeDefaultModeMs.length})`, value: fmt(nodeDefaultMs / plainMs), goal: '' },
			{ measure: `memory: bytes moved (${MEMORY.inputs} x ${mb(MEMORY.inputBytes)} sent, ${mb(memoryBody.length)} answer)`, value: mb(moved), goal: '' },
			{ measure: `memory: peak RSS growth during execute() (${memory.samples} samples)`, value: mb(growth), goal: '' },
			{ measure: 'memory_peak_over_bytes', value: fmt(growth / moved), goal: '<= 3.00' },
			{ measure: `memory, JSON route: bytes moved (${mb(jsonSent.rawBodyLength)} request body, ${mb(chatBody.length)} answer)`, value: mb(jsonMoved), goal: '' },
			{ measure: `memory, JSON route: peak RSS growth during execute() (${memoryJson.samples} samples)`, value: mb(jsonGrowth), goal: '' },
			{ measure: 'memory_json_peak_over_bytes', value: fmt(jsonGrowth / jsonMoved), goal: '<= 3.00' },
			{ measure: `scale: ${SCALE.prompts} prompts, ${SCALE.prompts} images of ${mb(SCALE.imageBytes)} (${mb(scale.outputBytes)} stored), Concurrency ${SCALE.concurrency}, ${sec(scale.executeMs)}`, value: '', goal: '' },
			{ measure: `batch_200_rss_growth_mb: peak RSS growth during execute() (${scale.samples} samples)`, value: fmt(scaleGrowth / MB, 1), goal: '< 100' },
			{ measure: `scale, plain: the same ${SCALE.prompts} answers by fetch + decode + file write, ${SCALE.concurrency} at a time, no n8n (${sec(scalePlain.executeMs)})`, value: fmt(scalePlainGrowth / MB, 1), goal: '' },
			{ measure: 'scale: the node over that plain path', value: fmt(scaleGrowth / scalePlainGrowth), goal: '' },
			{ measure: `flex_cost_over_standard: json.cost of one ${HALF_PRICE.model} image, Flex over Standard`, value: fmt(half.flexUsd / half.standardUsd, 3), goal: '0.5' },
			{ measure: `batch_mode_requests_200: ${SCALE.prompts} prompts as one job: submit, poll, results file (direct: ${SCALE.prompts})`, value: String(jobRequests), goal: '' },
			{ measure: 'batch_mode_cost_over_direct: json.cost of one image, batch over direct', value: fmt(half.batchUsd / half.standardUsd, 3), goal: '0.5' },
			{ measure: `batch_mode_get_200_rss_growth_mb: Get Batch collecting ${half.images} images of ${mb(SCALE.imageBytes)} (${mb(half.getRss.outputBytes)} stored, ${sec(half.getRss.executeMs)}; ${half.getRss.samples} samples)`, value: fmt(halfGrowth / MB, 1), goal: '< 100' },
			{ measure: `cold_require_ms: fresh node -e, median of ${COLD.runs}`, value: `${fmt(cold, 1)} ms`, goal: '< 50' },
			{ measure: 'cold: n8n-workflow alone (peer dependency)', value: `${fmt(workflowAlone, 1)} ms`, goal: '' },
			{ measure: 'cold_node_file_ms: node file with n8n-workflow already loaded (as inside n8n)', value: `${fmt(inHost, 1)} ms`, goal: '< 20' },
		];

		const width = Math.max(...rows.map((r) => r.measure.length));
		const valueWidth = Math.max(...rows.map((r) => r.value.length));
		const table = rows.map((r) => `${r.measure.padEnd(width)}  ${r.value.padStart(valueWidth)}  ${r.goal}`.trimEnd()).join('\n');
		const figureLines = figures.map(([name, value]) => `figure ${name} ${fmt(value, /_ms$|_mb$/.test(name) ? 1 : 3)}`);

		const machine: Machine = {
			cores: os.cpus().length,
			node: process.version,
			date: new Date().toISOString(),
			cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
			load: `${fmt(loadBefore, 2)} before, ${fmt(os.loadavg()[0], 2)} after`,
		};
		const met = (value: number, goal: number) => (value <= goal ? 'met' : 'missed');
		const notes = [
			`- Batch (${met(c6 / ideal(6), 1.1)}): the same 24 requests as plain \`fetch\` calls, 6 at a time, take ${fmt(plainC6 / ideal(6), 3)}x the ideal:` +
				' that much is the double, the loopback connections and reading 24 answers, on this machine at its load. The node' +
				` adds ${fmt(c6 / plainC6, 3)}x on top (n8n's request helper and credentials, and storing each image, which overlaps the next requests).`,
			`- Overhead (${met(nodeMs / plainMs, 1.3)}): in filesystem mode n8n's \`prepareBinaryData\` writes the 4.5 MB image and its metadata to disk,` +
				` ${fmt(storeMs, 1)} ms here. Without that write the node's path is ${fmt(nodeWithoutStoreMs / plainMs)}x the plain one; in n8n's default` +
				` binary mode (no disk) ${fmt(nodeDefaultMs / plainMs)}x. The node decodes the base64 once and hands that Buffer to \`prepareBinaryData\` as is.`,
			`- Memory (${met(growth / moved, 3)}): inputs on disk are streamed into the request (form-data knows their sizes), so the growth is` +
				' mostly the answer: its body, the text parsed from it and the decoded images.',
			`- Memory on a JSON route (${met(jsonGrowth / jsonMoved, 3)}): the request body is built once, into one buffer, with each input's` +
				' base64 written straight into it from the file on disk (no base64 string per image, no stringified copy of the whole body).',
			`- Scale (${met(scaleGrowth / MB, 100)}): ${SCALE.prompts} images of ${mb(SCALE.imageBytes)} (${mb(scale.outputBytes)} in all) grew RSS by ${fmt(scaleGrowth / MB, 1)} MB at the peak.` +
				' Each image is handed to `prepareBinaryData` once and dropped: the output items hold only the id n8n stored it under,' +
				' so what stays in memory is the requests in flight and what the garbage collector has not yet taken back.' +
				` The same answers fetched, decoded and written to files by plain code, with no n8n, grow this process by ${fmt(scalePlainGrowth / MB, 1)} MB:` +
				` the node is ${fmt(scaleGrowth / scalePlainGrowth)}x that. The growth does not follow the batch (run \`BENCH_SCALE_PROMPTS=50\` or \`400\`):` +
				" it is V8 letting ~1.4 MB base64 strings pile up until its next full collection.",
			`- Half price on Google: one ${HALF_PRICE.model} image costs ${fmt(half.flexUsd / half.standardUsd, 3)}x as much on the Flex tier as on Standard,` +
				` and ${fmt(half.batchUsd / half.standardUsd, 3)}x in batch mode (both from \`json.cost\`, the catalogue's list price times the tier's or batch's share).` +
				` ${SCALE.prompts} prompts as one job took ${jobRequests} requests (submit, one poll, the responses file) where direct calls take ${SCALE.prompts}.` +
				` Get Batch read the ${mb(half.getRss.outputBytes)} of results line by line as the file downloaded and grew RSS by ${fmt(halfGrowth / MB, 1)} MB at the peak` +
				` (${met(halfGrowth / MB, 100)}; direct, the same number of 1 MB images: ${fmt(scaleGrowth / MB, 1)} MB).`,
			`- Node's own path (${met(nodeWithoutStoreMs / plainMs, 1)}): \`node_own_over_plain\` is the overhead figure without n8n's write to disk.`,
			`- Cold start (${met(cold, 50)}): \`n8n-workflow\`, the peer dependency, takes ${fmt(workflowAlone, 1)} ms to load on its own. Inside n8n` +
				' it is already loaded: n8n points `NODE_PATH` at its own modules before it loads community nodes, so their `n8n-workflow`' +
				` is n8n's copy, and the node file costs ${fmt(inHost, 1)} ms (\`cold_node_file_ms\`, ${met(inHost, 20)}: goal under 20 ms).`,
		];
		process.stdout.write(`\n${table}\n\n${figureLines.join('\n')}\n`);
		process.stdout.write(`\ncores ${machine.cores}, node ${machine.node}, load ${machine.load}, ${machine.date}\n`);
		writeReport(rows, figureLines, notes, machine);
	} finally {
		await double.close();
	}
}

interface Machine {
	cores: number;
	node: string;
	date: string;
	cpu: string;
	/** One-minute load average before and after the run: other work on the machine skews timings. */
	load: string;
}

function writeReport(rows: Row[], figureLines: string[], notes: string[], machine: Machine): void {
	const cell = (s: string) => s.replace(/\|/g, '\\|');
	const lines = [
		'# Performance',
		'',
		'Measured by the benchmark of issue #5. Run it with:',
		'',
		'```sh',
		COMMAND,
		'```',
		'',
		'It builds the package, then runs everything in one go against the provider double',
		'(`test/double/providerDouble.ts`) with ready-made answers and a set latency, and prints a table and one',
		'`figure NAME VALUE` line per figure. Timing never fails the run; CI does not run it.',
		'This file is rewritten by every run, except the section of `npm run bench:n8n` at its end (measured inside real n8n).',
		'',
		`Last run: ${machine.date}, ${machine.cores} cores (\`os.cpus().length\`, ${machine.cpu}), Node.js ${machine.node},`,
		`load average ${machine.load}.`,
		'',
		'## Figures',
		'',
		'```',
		...figureLines,
		'```',
		'',
		'| Measure | Value | Goal |',
		'| --- | --- | --- |',
		...rows.map((r) => `| ${cell(r.measure)} | ${cell(r.value)} | ${cell(r.goal)} |`),
		'',
		'## Against the goals',
		'',
		...notes,
		'',
		'## How each figure is measured',
		'',
		'The provider double runs in the benchmark process; the node runs through n8n-core\'s real engine',
		'(`test/helpers/n8n.ts`) in a fresh child process per scenario (`bench/worker.ts`, with `--expose-gc`),',
		'so the double\'s work counts neither in the node\'s time nor in its memory.',
		'',
		`- \`batch_c6_over_ideal\`: wall time of one execution with ${BATCH.prompts} prompts at concurrency 6 (median of`,
		`  ${BATCH.c6Runs} runs), the double answering each request after ${BATCH.latencyMs} ms, over the ideal`,
		`  \`ceil(${BATCH.prompts} / c) * ${BATCH.latencyMs} ms\`. Goal: at most 1.10.`,
		'- `batch_c1_over_c6`: the same at concurrency 1 over concurrency 6: the speed-up (ideal 6).',
		'- `overhead_node_over_plain`: one generate whose answer holds one 4K-sized PNG (4.5 MB, about 6 MB of',
		'  base64). Median time of the node\'s `execute()` (request, JSON, base64 decode, `prepareBinaryData` in',
		'  filesystem mode) over the median of a plain `fetch` + `response.json()` + `Buffer.from(b64, \'base64\')`',
		`  against the same double in the same process; ${OVERHEAD.rounds} alternating rounds after ${OVERHEAD.warmups} warm-ups,`,
		'  a forced GC before each. Goal: at most 1.3.',
		`- \`memory_peak_over_bytes\`: one edit item with ${MEMORY.inputs} input images of 8 MB each, stored on disk`,
		`  (filesystem binary mode), \`numberOfImages\` ${MEMORY.answers}: one answer holding ${MEMORY.answers} PNGs of 4.5 MB`,
		'  (about 6 MB of base64 each). RSS is sampled every 2 ms from the start to the end of `execute()`; the',
		'  figure is the peak minus the RSS before the run (after warm-up runs and a forced GC), over the bytes',
		'  moved: the input bytes the double received plus the answer body. Goal: at most 3.',
		'- `memory_json_peak_over_bytes`: the same edit on a JSON route (OpenRouter\'s chat completions): the six',
		'  inputs travel as base64 data URLs inside the request body and the four images come back as data URLs',
		'  in one answer. Bytes moved: the request body the double received plus the answer body. Goal: at most 3.',
		`- \`batch_200_rss_growth_mb\`: one execution, ${SCALE.prompts} prompts at Concurrency ${SCALE.concurrency}, each answered (no latency) with a`,
		'  PNG of about 1 MB as base64, filesystem binary mode. RSS sampled every 5 ms during `execute()`; the figure is the',
		'  peak minus the RSS before (after a warm-up run and a forced GC), in MB. Goal: under 100 MB, not proportional to the batch.',
		'  `batch_200_rss_growth_plain_mb`: the same answers through plain fetch + JSON + base64 decode + a file write, 6 at',
		'  a time, in a process without n8n: the floor for this load.',
		'- `node_own_over_plain`: the overhead measurement above, each node run minus the time its `prepareBinaryData` took,',
		'  over the plain path. Goal: at most 1.0.',
		'- `cold_node_file_ms`: `require()` of the node file in a fresh `node -e` that has loaded `n8n-workflow` first, as',
		'  n8n has when it loads community nodes. Median of 7. Goal: under 20 ms.',
		`- \`cold_require_ms\`: \`require()\` of \`dist/nodes/NanoBanana/NanoBanana.node.js\` in a fresh \`node -e\`,`,
		`  timed inside that process, median of ${COLD.runs}. Goal: under 50 ms. This includes loading the`,
		'  `n8n-workflow` peer dependency, which n8n itself has always loaded before it loads a community node;',
		'  the table shows that share on its own and the node file\'s own cost with `n8n-workflow` already loaded.',
		'',
	];
	mkdirSync(path.join(root, 'docs'), { recursive: true });
	const doc = path.join(root, 'docs', 'performance.md');
	// `npm run bench:n8n` owns its own section (bench/n8n.ts): keep it as the last run left it.
	const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
	const start = previous.indexOf(N8N_SECTION_START);
	const end = previous.indexOf(N8N_SECTION_END);
	const kept = start >= 0 && end > start ? `\n${previous.slice(start, end + N8N_SECTION_END.length)}\n` : '';
	writeFileSync(doc, lines.join('\n') + kept);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
