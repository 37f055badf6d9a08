/**
 * Issue 25 inside one real n8n of the matrix (E2E_HOST; `npm run test:e2e` runs it on every host),
 * against the provider double, which issues thought signatures and refuses a model turn sent back
 * without its own:
 * - the example as users import it (examples/rounds/): a product photo edited in three rounds, each
 *   Nano Banana node going on from the last one's conversation;
 * - a generate grounded in Google Search;
 * - an AI Agent editing a picture in two rounds through its Nano Banana tool, passing back the
 *   conversation the first call returned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { encodePng, readImageSize } from '../test/double/images';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import type { AgentModelDouble } from './lib/agentModelDouble';
import { startAgentModelDouble } from './lib/agentModelDouble';
import { defaultNodeVersion } from './lib/agentWorkflow';
import { doubleCredentialData } from './lib/examples';
import type { ExecuteResult } from './lib/n8nHost';
import { ensureN8nHost, N8nInstance, nodeItems, packPackage, repoRoot } from './lib/n8nHost';
import { ROUNDS, ROUNDS_CREDENTIAL, ROUNDS_WORKFLOW_ID, agentRoundsWorkflow } from './lib/roundsWorkflow';

const host = ensureN8nHost();
const label = `n8n ${host.n8nVersion} on Node ${host.nodeVersion}`;
const MODEL_KEY = 'sk-agent-model-key-0000';
const OPEN_AI = { id: 'nbExampleAgentLm1', name: "OpenAI account (the agent's model)" };
const AGENT_ID = 'nbE2eAgentRounds';
const GROUNDED_ID = 'nbE2eGroundedGen';

let work: string;
let double: ProviderDouble;
let model: AgentModelDouble;
let n8n: N8nInstance;

type Turn = { role: string; parts: Array<Record<string, unknown>> };
const generateCalls = () => double.requests.filter((r) => r.path.endsWith(':generateContent'));
const contentsOf = (i: number) => (generateCalls()[i].json as { contents: Turn[] }).contents;

function assertSucceeded(run: ExecuteResult): void {
	const context = `exit ${run.code}\n${run.stdout.slice(0, 3000)}\n${run.stderr.slice(-3000)}`;
	assert.ok(run.result, `no run JSON printed; ${context}`);
	assert.equal(run.result.data.resultData.error, undefined, `run failed: ${run.result.data.resultData.error?.message}; ${context}`);
}

const example = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'rounds', 'edit-in-rounds.json'), 'utf8')) as { id: string };

before(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'nano-banana-rounds-'));
	const tarball = packPackage(work);
	double = await startProviderDouble();
	model = await startAgentModelDouble(MODEL_KEY);
	n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
	n8n.installPackage(tarball);
	n8n.importCredentials([
		{ ...ROUNDS_CREDENTIAL, type: 'googleGeminiImageApi', data: doubleCredentialData(double, 'googleGeminiImageApi') },
		{ ...OPEN_AI, type: 'openAiApi', data: { apiKey: MODEL_KEY, url: model.url } },
	]);
	n8n.importWorkflows([
		example,
		agentRoundsWorkflow(AGENT_ID, OPEN_AI, defaultNodeVersion(host.dir, 'agents/Agent/Agent.node.js', 3)),
		{
			id: GROUNDED_ID,
			name: GROUNDED_ID,
			nodes: [
				{ parameters: {}, id: 'g-t', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
				{
					parameters: { provider: 'google', operation: 'generate', model: 'gemini-nano-banana-2.1', prompt: "An infographic of this week's banana prices", aspectRatio: '4:5', options: { googleSearch: true, thinkingLevel: 'high' } },
					id: 'g-n',
					name: 'Nano Banana',
					type: 'n8n-nodes-nano-banana.nanoBanana',
					typeVersion: 3,
					position: [220, 0],
					credentials: { googleGeminiImageApi: { ...ROUNDS_CREDENTIAL } },
				},
			],
			connections: { Start: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] } },
			active: false,
			settings: { executionOrder: 'v1' },
		},
	]);
});

after(async () => {
	await n8n?.close();
	await model?.close();
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

test(`in ${label}: the example edits a product photo in three rounds, each node going on from the last one's conversation`, async () => {
	double.reset();
	const run = await n8n.execute(ROUNDS_WORKFLOW_ID);
	assertSucceeded(run);
	assert.equal(generateCalls().length, 3);
	// Round 1: the photo; round 2: those two turns and the new instruction; round 3: four and the next.
	assert.deepEqual([0, 1, 2].map((i) => contentsOf(i).length), [1, 3, 5]);
	assert.deepEqual(contentsOf(2).at(-1), { role: 'user', parts: [{ text: ROUNDS[2].prompt }] });
	assert.deepEqual(contentsOf(2).slice(0, 3), contentsOf(1), 'round 3 sent round 2\'s turns as they were');
	assert.equal(double.gemini.stats.signaturesChecked, 1 + 2, 'every model turn went back with its signature');
	const [last] = nodeItems(run.result, ROUNDS[2].name);
	const turns = (last.json.conversation as { turns: Turn[] }).turns;
	assert.equal(turns.length, 6);
	// Round 1 matched the photo's shape; the rounds after kept it.
	const [firstRound] = nodeItems(run.result, ROUNDS[0].name);
	assert.deepEqual(readImageSize(n8n.binaryBytes(last.binary?.data ?? {})), readImageSize(n8n.binaryBytes(firstRound.binary?.data ?? {})));
	assert.doesNotMatch(JSON.stringify(last.json), /inlineData|iVBORw0KGgo/, 'base64 in the json');
	assert.ok(!run.stdout.includes(double.apiKey), 'the API key is in the output');
});

test(`in ${label}: Generate grounded in Google Search puts its sources in json.grounding`, async () => {
	double.reset();
	const run = await n8n.execute(GROUNDED_ID);
	assertSucceeded(run);
	const sent = generateCalls()[0].json as Record<string, unknown>;
	assert.deepEqual(sent.tools, [{ googleSearch: {} }]);
	assert.deepEqual((sent.generationConfig as Record<string, unknown>).thinkingConfig, { thinkingLevel: 'HIGH' });
	const [item] = nodeItems(run.result, 'Nano Banana');
	const grounding = item.json.grounding as { sources: Array<{ title: string }>; searchEntryPoint: string };
	assert.deepEqual(grounding.sources.map((s) => s.title), ['Reuters', 'Wikipedia']);
	assert.match(grounding.searchEntryPoint, /<div class="container">/);
});

test(`in ${label}: an AI Agent edits a picture in two rounds through its tool, passing back the conversation it got`, async () => {
	double.reset();
	model.requests.length = 0;
	const photo = encodePng(800, 600, 12);
	double.files.set('mug.png', { bytes: photo, contentType: 'image/png' });
	const link = `${double.fileHostUrl}/files/mug.png`;
	model.toolCalls = [
		() => ({ prompt: 'Put this mug on a beach towel in bright summer light', aspectRatio: 'auto', imageUrls: link, conversation: {} }),
		(results) => {
			const entries = JSON.parse(results[0]) as unknown;
			const [first] = (Array.isArray(entries) ? entries : [entries]) as Array<{ conversation?: unknown }>;
			return { prompt: 'Now make the towel red', aspectRatio: 'auto', imageUrls: link, conversation: first.conversation };
		},
	];
	try {
		const run = await n8n.execute(AGENT_ID);
		assertSucceeded(run);
		assert.equal(generateCalls().length, 2, 'two rounds');
		assert.equal(contentsOf(0).length, 1);
		assert.deepEqual(contentsOf(1).map((t) => t.role), ['user', 'model', 'user']);
		assert.deepEqual(contentsOf(1).at(-1), { role: 'user', parts: [{ text: 'Now make the towel red' }] });
		assert.equal(double.gemini.stats.signaturesChecked, 1);
		assert.equal(double.downloads.length, 1, 'the linked photo was downloaded once, in round 1');
		// The model's last request holds both tool results (every request carries the conversation so far).
		const last = model.requests.at(-1)?.body.messages as Array<{ role: string; content?: unknown }>;
		const results = last.filter((m) => m.role === 'tool').map((m) => String(m.content));
		assert.equal(results.length, 2);
		assert.doesNotMatch(results.join(''), /inlineData|iVBORw0KGgo/, 'image data in a tool result');
	} finally {
		model.toolCalls = undefined;
	}
});
