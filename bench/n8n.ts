/**
 * `npm run bench:n8n` (issue #10): inside one real n8n of the e2e matrix (default 2.8.4; E2E_HOST
 * picks another), against the provider double with 500 ms latency, in one run and side by side,
 * the same 24 prompts through
 *   (a) Nano Banana, Generate, Concurrency 6 (and 20 against the limited gateway);
 *   (b) n8n's own OpenAI node, Image > Generate, its credential's base URL at the double;
 *   (c) HTTP Request posting the same JSON, then Convert to File on the base64;
 * first against a gateway without a limit, then against one that takes 6 requests in flight and
 * answers 429 (Retry-After: 1) above that. Then 10 webhook executions at once, 3 prompts each,
 * against that limited gateway, with the credential's Max Requests in Flight at 6 and without.
 *
 * Every path runs through a webhook workflow (bench/n8nWorkflows.ts) on a started n8n; wall time
 * is the webhook call's, from request to answer (the run is over then). Each measure is the median
 * of ROUNDS rounds, the paths alternating within a round. It prints a table and `figure NAME VALUE`
 * lines and writes its section of docs/performance.md. Not part of the tests; it never fails on
 * timing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';

import { ensureN8nHost, freePort, N8nInstance, packPackage, repoRoot } from '../e2e/lib/n8nHost';
import type { ProviderDouble } from '../test/double/providerDouble';
import { startProviderDouble } from '../test/double/providerDouble';
import { N8N_SECTION_END, N8N_SECTION_START } from './n8nSection';
import { baselineWorkflow, httpRequestWorkflow, openAiNodeWorkflow, oursWorkflow } from './n8nWorkflows';

const COMMAND = 'npm run bench:n8n';
const LATENCY_MS = 500;
const PROMPTS = 24;
const LIMIT = 6;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EXECUTIONS = 10;
const PER_EXECUTION = 3;

interface Run {
	ms: number;
	images: number;
	status: number;
	rejected: number;
	requests: number;
}

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function log(message: string): void {
	process.stderr.write(`[bench:n8n] ${message}\n`);
}

/** The OpenAI node's version a user adding it today gets on this host. */
function openAiNodeVersion(hostDir: string): number {
	const file = path.join(hostDir, 'node_modules', '@n8n', 'n8n-nodes-langchain', 'dist', 'nodes', 'vendors', 'OpenAi', 'OpenAi.node.js');
	const m = /defaultVersion:\s*([\d.]+)/.exec(readFileSync(file, 'utf8'));
	return m ? Number(m[1]) : 1.8;
}

async function main(): Promise<void> {
	const host = ensureN8nHost(process.env.E2E_HOST || 'n8n-2.8');
	const work = mkdtempSync(path.join(tmpdir(), 'nano-banana-bench-n8n-'));
	const double: ProviderDouble = await startProviderDouble({ latencyMs: LATENCY_MS });
	let n8n: N8nInstance | undefined;
	try {
		const tarball = packPackage(work);
		n8n = await N8nInstance.create(host, { binaryMode: 'filesystem', logLevel: 'warn' });
		n8n.installPackage(tarball);
		const base = double.baseUrlFor('openai');
		const ours = { id: 'nbBenchOurs00001', name: 'Bench gateway' };
		// Concurrency Auto learns per credential in the n8n process: the open gateway's route, the
		// limited one's, and for each round fresh ones (a first execution) and one learned on the open
		// gateway that then meets the limited one (a stale limit).
		const auto = { id: 'nbBenchAuto00001', name: 'Bench gateway, Auto' };
		const autoLimited = { id: 'nbBenchAutoLimit', name: 'Bench limited gateway, Auto' };
		const fresh = (kind: string, round: number) => ({ id: `nbBenchAuto${kind}R${round}`.padEnd(16, '0'), name: `Bench gateway, Auto, ${kind} ${round}` });
		const freshKinds = ['A', 'B', 'L', 'S'] as const; // 24 and 100 prompts, limited, stale
		const freshCredentials = Array.from({ length: ROUNDS }, (_v, r) => freshKinds.map((kind) => fresh(kind, r + 1))).flat();
		const capped = { id: 'nbBenchCapped001', name: 'Bench gateway, capped at 6' };
		const openAi = { id: 'nbBenchOpenAi001', name: 'Bench gateway as OpenAI' };
		const gatewayData = { apiKey: double.apiKey, baseUrl: base, endpoint: 'images', dialect: 'openai' };
		n8n.importCredentials([
			{ ...ours, type: 'openAiCompatibleImageApi', data: gatewayData },
			...[auto, autoLimited, ...freshCredentials].map((c) => ({ ...c, type: 'openAiCompatibleImageApi', data: gatewayData })),
			{ ...capped, type: 'openAiCompatibleImageApi', data: { ...gatewayData, maxConcurrency: String(LIMIT) } },
			{ ...openAi, type: 'openAiApi', data: { apiKey: double.apiKey, url: `${base}/v1` } },
		]);
		const openAiWorkflow = openAiNodeWorkflow('nbBenchOpenAiNode', 'bench-openai', openAi);
		(openAiWorkflow.nodes[2] as { typeVersion: number }).typeVersion = openAiNodeVersion(host.dir);
		const workflows = [
			baselineWorkflow('nbBenchBaseline01', 'bench-baseline'),
			oursWorkflow('nbBenchOursNode01', 'bench-ours', ours),
			oursWorkflow('nbBenchOursCapped', 'bench-ours-capped', capped),
			// Version 3: Concurrency 0 is Auto.
			oursWorkflow('nbBenchOursAuto01', 'bench-ours-auto', auto, 3),
			oursWorkflow('nbBenchOursAutoLim', 'bench-ours-auto-limited', autoLimited, 3),
			...freshCredentials.map((c) => oursWorkflow(`nbBenchWf${c.id.slice(11)}`, `bench-auto-${c.id.slice(11).toLowerCase()}`, c, 3)),
			openAiWorkflow,
			httpRequestWorkflow('nbBenchHttpNode01', 'bench-http', `${base}/v1/images/generations`, double.apiKey),
		];
		n8n.importWorkflows(workflows);
		for (const w of workflows) n8n.activate(w.id);
		const url = await n8n.start(await freePort());
		log(`n8n ${host.n8nVersion} on Node ${host.nodeVersion} at ${url}`);

		/** One webhook call: the run's wall time and the images its last node held. */
		const call = async (hook: string, count: number, tag: string, concurrency = 6): Promise<Omit<Run, 'rejected' | 'requests'>> => {
			const started = performance.now();
			const res = await fetch(`${url}/webhook/${hook}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					prompts: Array.from({ length: count }, (_v, i) => ({ prompt: `${tag} ${i + 1}: a banana on a beach towel, summer sale poster`, concurrency })),
				}),
			});
			const text = await res.text();
			const ms = performance.now() - started;
			let images = 0;
			try {
				const items = res.ok ? (JSON.parse(text) as Array<{ hasImage?: boolean }>) : [];
				images = (Array.isArray(items) ? items : [items]).filter((i) => i.hasImage === true).length;
			} catch {
				images = 0;
			}
			return { ms, images, status: res.status };
		};
		/** One measured run: the double's counters from zero, the call, what the double saw. */
		const measure = async (maxInFlight: number, run: () => Promise<Omit<Run, 'rejected' | 'requests'>>): Promise<Run> => {
			// Let anything still in flight from a failed run (its other items) settle first.
			while (double.limit.inFlight > 0) await new Promise((r) => setTimeout(r, 50));
			double.reset();
			double.settings.maxInFlight = maxInFlight;
			const result = await run();
			return { ...result, rejected: double.limit.rejected, requests: double.requests.length };
		};

		// Warm up: the first execution of each workflow loads its nodes.
		for (const hook of ['bench-baseline', 'bench-ours', 'bench-ours-capped', 'bench-ours-auto', 'bench-ours-auto-limited', 'bench-openai', 'bench-http']) await measure(0, async () => await call(hook, 1, 'warm-up', hook.startsWith('bench-ours-auto') ? 0 : 6));

		// The learned routes: the open one after two executions of 100 (4 -> 64, then 64 -> 100),
		// the limited one after one execution of 24 (it learns 6).
		for (let i = 0; i < 2; i++) await measure(0, async () => await call('bench-ours-auto', 100, `learn-${i}`, 0));
		await measure(LIMIT, async () => await call('bench-ours-auto-limited', PROMPTS, 'learn-limited', 0));
		const freshHook = (kind: string, round: number) => `bench-auto-${fresh(kind, round).id.slice(11).toLowerCase()}`;

		const rounds: Record<string, Run[]> = {};
		const add = (name: string, run: Run) => (rounds[name] ??= []).push(run);
		for (let round = 1; round <= ROUNDS; round++) {
			log(`round ${round} of ${ROUNDS}`);
			add('baseline', await measure(0, async () => await call('bench-baseline', PROMPTS, `r${round}0`)));
			add('ours', await measure(0, async () => await call('bench-ours', PROMPTS, `r${round}a`, 6)));
			add('openAi', await measure(0, async () => await call('bench-openai', PROMPTS, `r${round}b`)));
			add('http', await measure(0, async () => await call('bench-http', PROMPTS, `r${round}c`)));
			add('oursAuto', await measure(0, async () => await call('bench-ours-auto', PROMPTS, `r${round}h`, 0)));
			add('oursAuto100', await measure(0, async () => await call('bench-ours-auto', 100, `r${round}i`, 0)));
			add('http100', await measure(0, async () => await call('bench-http', 100, `r${round}j`)));
			add('baseline100', await measure(0, async () => await call('bench-baseline', 100, `r${round}k`)));
			add('oursAutoFirst', await measure(0, async () => await call(freshHook('A', round), PROMPTS, `r${round}m`, 0)));
			add('oursAutoFirst100', await measure(0, async () => await call(freshHook('B', round), 100, `r${round}n`, 0)));
			add('oursAutoLimited', await measure(LIMIT, async () => await call(freshHook('L', round), PROMPTS, `r${round}l`, 0)));
			add('oursAutoLimitedLearned', await measure(LIMIT, async () => await call('bench-ours-auto-limited', PROMPTS, `r${round}o`, 0)));
			// A limit learned on the open gateway (24 after two executions) meets the limited one.
			for (let i = 0; i < 2; i++) await measure(0, async () => await call(freshHook('S', round), PROMPTS, `r${round}p${i}`, 0));
			add('oursAutoStale', await measure(LIMIT, async () => await call(freshHook('S', round), PROMPTS, `r${round}q`, 0)));
			add('oursLimited', await measure(LIMIT, async () => await call('bench-ours', PROMPTS, `r${round}d`, 6)));
			add('oursC20Limited', await measure(LIMIT, async () => await call('bench-ours', PROMPTS, `r${round}e`, 20)));
			add('openAiLimited', await measure(LIMIT, async () => await call('bench-openai', PROMPTS, `r${round}f`)));
			add('httpLimited', await measure(LIMIT, async () => await call('bench-http', PROMPTS, `r${round}g`)));
			for (const [name, hook] of [
				['baselineMany', 'bench-baseline'],
				['accountGate', 'bench-ours-capped'],
				['noAccountGate', 'bench-ours'],
			] as const) {
				add(
					name,
					await measure(LIMIT, async () => {
						const started = performance.now();
						const runs = await Promise.all(Array.from({ length: EXECUTIONS }, async (_v, e) => await call(hook, PER_EXECUTION, `r${round}-${name}-e${e}`, 3)));
						return {
							ms: performance.now() - started,
							images: runs.reduce((sum, r) => sum + r.images, 0),
							status: runs.every((r) => r.status === 200) ? 200 : Math.max(...runs.map((r) => r.status)),
						};
					}),
				);
			}
		}

		report(host, rounds);
	} finally {
		await n8n?.close();
		await double.close();
		rmSync(work, { recursive: true, force: true });
	}
}

function report(host: { n8nVersion: string; nodeVersion: string; name: string }, rounds: Record<string, Run[]>): void {
	const ms = (name: string) => median(rounds[name].map((r) => r.ms));
	const images = (name: string) => median(rounds[name].map((r) => r.images));
	const rejected = (name: string) => median(rounds[name].map((r) => r.rejected));
	const failed = (name: string) => rounds[name].filter((r) => r.status !== 200).length;
	const idealBatch = Math.ceil(PROMPTS / LIMIT) * LATENCY_MS;
	const idealAccount = Math.ceil((EXECUTIONS * PER_EXECUTION) / LIMIT) * LATENCY_MS;
	const figures: Array<[string, number, string]> = [
		['alt_openai_node_over_ours', ms('openAi') / ms('ours'), '>= 5'],
		['alt_http_request_over_ours_auto_24', ms('http') / ms('oursAuto'), '>= 0.95'],
		['alt_http_request_over_ours_auto_100', ms('http100') / ms('oursAuto100'), '>= 0.95'],
		['alt_http_request_over_ours_auto_24_first', ms('http') / ms('oursAutoFirst'), ''],
		['alt_http_request_over_ours_auto_100_first', ms('http100') / ms('oursAutoFirst100'), ''],
		['ours_auto_images_limited', images('oursAutoLimited'), `${PROMPTS}`],
		['ours_auto_over_c6_limited', ms('oursAutoLimited') / ms('oursLimited'), '<= 1.3'],
		['ours_auto_429s_limited', rejected('oursAutoLimited'), `< ${2 * LIMIT}`],
		['ours_auto_over_c6_limited_learned', ms('oursAutoLimitedLearned') / ms('oursLimited'), '<= 1.3'],
		['ours_auto_429s_limited_learned', rejected('oursAutoLimitedLearned'), `< ${2 * LIMIT}`],
		['ours_auto_429s_limited_stale', rejected('oursAutoStale'), ''],
		['ours_auto_images_limited_stale', images('oursAutoStale'), `${PROMPTS}`],
		['ours_node_overhead_ms_per_item', (ms('oursAuto100') - ms('baseline100') - LATENCY_MS) / 100, ''],
		['alt_http_request_overhead_ms_per_item', (ms('http100') - ms('baseline100') - LATENCY_MS) / 100, ''],
		['alt_http_request_over_ours', ms('http') / ms('ours'), ''],
		['ours_images_limited', images('oursLimited'), `${PROMPTS}`],
		['alt_http_request_images_limited', images('httpLimited'), ''],
		['ours_429s_limited', rejected('oursLimited'), ''],
		['ours_c20_images_limited', images('oursC20Limited'), `${PROMPTS}`],
		['ours_c20_over_c6_limited', ms('oursC20Limited') / ms('oursLimited'), '<= 1.5'],
		['account_gate_429s', rejected('accountGate'), '0'],
		['no_account_gate_429s', rejected('noAccountGate'), ''],
		['account_gate_over_ideal', ms('accountGate') / idealAccount, '<= 1.2'],
		['account_gate_images', images('accountGate'), `${EXECUTIONS * PER_EXECUTION}`],
		['no_account_gate_images', images('noAccountGate'), ''],
	];
	const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
	const figureLines = figures.map(([name, value]) => `figure ${name} ${fmt(value)}`);

	const row = (label: string, name: string, of: number) =>
		`| ${label} | ${(ms(name) / 1000).toFixed(2)} s | ${of === 0 ? '-' : `${images(name)}/${of}`} | ${rejected(name)} | ${failed(name) === 0 ? 'success' : `failed in ${failed(name)} of ${ROUNDS} rounds`} |`;
	const table = [
		'| Path | Wall time (median) | Images | 429s | Result |',
		'| --- | --- | --- | --- | --- |',
		row('n8n alone: webhook, prompts, count (no gateway call)', 'baseline', 0),
		row('(a) Nano Banana, Concurrency 6', 'ours', PROMPTS),
		row("(b) n8n's OpenAI node, Image > Generate", 'openAi', PROMPTS),
		row('(c) HTTP Request + Convert to File', 'http', PROMPTS),
		row('(a) Nano Banana v3, Concurrency Auto, first execution on its credential', 'oursAutoFirst', PROMPTS),
		row('(a) Nano Banana v3, Concurrency Auto, route learned', 'oursAuto', PROMPTS),
		row('n8n alone, 100 prompts', 'baseline100', 0),
		row('(a) Nano Banana v3, Concurrency Auto, 100 prompts, first execution', 'oursAutoFirst100', 100),
		row('(a) Nano Banana v3, Concurrency Auto, 100 prompts, route learned', 'oursAuto100', 100),
		row('(c) HTTP Request + Convert to File, 100 prompts', 'http100', 100),
		`| **Gateway that takes ${LIMIT} in flight, 429 (Retry-After: 1) above** | | | | |`,
		row('(a) Nano Banana, Concurrency 6', 'oursLimited', PROMPTS),
		row('(a) Nano Banana, Concurrency 20', 'oursC20Limited', PROMPTS),
		row('(a) Nano Banana v3, Concurrency Auto, first execution', 'oursAutoLimited', PROMPTS),
		row('(a) Nano Banana v3, Concurrency Auto, route learned (6)', 'oursAutoLimitedLearned', PROMPTS),
		row('(a) Nano Banana v3, Concurrency Auto, a limit of 24 learned on the open gateway', 'oursAutoStale', PROMPTS),
		row("(b) n8n's OpenAI node", 'openAiLimited', PROMPTS),
		row('(c) HTTP Request + Convert to File', 'httpLimited', PROMPTS),
		`| **${EXECUTIONS} webhook executions at once, ${PER_EXECUTION} prompts each, Concurrency 3, same gateway** | | | | |`,
		row('n8n alone (no gateway call)', 'baselineMany', 0),
		row(`Nano Banana, credential's Max Requests in Flight ${LIMIT}`, 'accountGate', EXECUTIONS * PER_EXECUTION),
		row('Nano Banana, no account cap', 'noAccountGate', EXECUTIONS * PER_EXECUTION),
	];
	const goals = [
		'| Figure | Value | Goal |',
		'| --- | --- | --- |',
		...figures.map(([name, value, goal]) => `| \`${name}\` | ${fmt(value)} | ${goal} |`),
	];
	const load = os.loadavg()[0].toFixed(2);
	const machine = `${os.cpus().length} cores (\`os.cpus().length\`, ${os.cpus()[0]?.model ?? 'unknown'}), bench process on Node.js ${process.version}; n8n ${host.n8nVersion} (${host.name}) on Node ${host.nodeVersion}, filesystem binary mode; load average ${load} after`;
	const section = [
		N8N_SECTION_START,
		'## Inside real n8n: against what users would pick instead',
		'',
		'```sh',
		COMMAND,
		'```',
		'',
		`Last run: ${new Date().toISOString()}, ${machine}. The provider double answers each request after ${LATENCY_MS} ms with a ${'1024x1024'} PNG as base64; every path calls the same OpenAI-style route of it with the same JSON. Wall time is the webhook call of the workflow, from request to answer; median of ${ROUNDS} rounds, the paths alternating. Ideal for ${PROMPTS} prompts ${LIMIT} at a time: ${(idealBatch / 1000).toFixed(1)} s; for ${EXECUTIONS} x ${PER_EXECUTION} prompts ${LIMIT} at a time: ${(idealAccount / 1000).toFixed(1)} s.`,
		'',
		...table,
		'',
		'```',
		...figureLines,
		'```',
		'',
		...goals,
		N8N_SECTION_END,
	].join('\n');

	process.stdout.write(`\n${table.join('\n')}\n\n${figureLines.join('\n')}\n`);
	const doc = path.join(repoRoot, 'docs', 'performance.md');
	const text = readFileSync(doc, 'utf8');
	const start = text.indexOf(N8N_SECTION_START);
	const end = text.indexOf(N8N_SECTION_END);
	const next = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + N8N_SECTION_END.length) : `${text.trimEnd()}\n\n${section}\n`;
	writeFileSync(doc, next);
	log(`wrote ${path.relative(repoRoot, doc)}`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
