/**
 * Issue #11: an n8n AI Agent really uses the node as its image tool, inside one real n8n of the
 * matrix (E2E_HOST; run by `npm run test:e2e`, so on every host). The agent's model is n8n's own
 * OpenAI Chat Model node, its credential's base URL at a chat-completions double
 * (e2e/lib/agentModelDouble.ts) that answers the first call with a call to the Nano Banana tool and
 * the next with a final answer. The tool's provider is the provider double.
 *
 * Checked, for Generate and for Edit (an image given as a link): the agent offered the tool with
 * the parameters the model fills (prompt, aspect ratio, image links) described for a model; the
 * image request reached the provider with the model's prompt; what the model got back from the
 * tool is short JSON with each image's file name, size, width and height and no image data; the
 * agent's run succeeded with the model's final answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { encodePng } from '../test/double/images';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import type { AgentModelDouble } from './lib/agentModelDouble';
import { startAgentModelDouble } from './lib/agentModelDouble';
import { AGENT_EXAMPLE_CREDENTIALS, agentWorkflow, defaultNodeVersion } from './lib/agentWorkflow';
import { ensureN8nHost, N8nInstance, nodeItems, packPackage, repoRoot, type ExecuteResult } from './lib/n8nHost';

const host = ensureN8nHost();
const label = `n8n ${host.n8nVersion} on Node ${host.nodeVersion}`;
const MODEL_KEY = 'sk-agent-model-key-0000';

let work: string;
let double: ProviderDouble;
let model: AgentModelDouble;
let n8n: N8nInstance;

const gateway = AGENT_EXAMPLE_CREDENTIALS.openAiCompatibleImageApi;
const openAi = AGENT_EXAMPLE_CREDENTIALS.openAiApi;

/** The version of a langchain node a user adding it today gets on this host. */
const defaultVersion = (relative: string, fallback: number): number => defaultNodeVersion(host.dir, relative, fallback);

/** The README's example (examples/agent/), as users import it; its credential placeholders are the ones imported below. */
const example = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'agent', 'ai-agent-image-tool.json'), 'utf8')) as ReturnType<typeof agentWorkflow>;

before(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'nano-banana-agent-'));
	const tarball = packPackage(work);
	double = await startProviderDouble();
	model = await startAgentModelDouble(MODEL_KEY);
	// No N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: early 1.x releases wanted it for community
	// nodes as tools; n8n 1.123, 2.8 and 2.41 no longer read it, and this test runs without it.
	n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
	n8n.installPackage(tarball);
	n8n.importCredentials([
		{ ...gateway, type: 'openAiCompatibleImageApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('openai'), dialect: 'openai' } },
		{ ...openAi, type: 'openAiApi', data: { apiKey: MODEL_KEY, url: model.url } },
	]);
	n8n.importWorkflows([
		example,
		agentWorkflow('nbAgentEdit00001', 'edit', { gateway, openAi }, defaultVersion('agents/Agent/Agent.node.js', 3)),
		// The author closed the tool's links to the product CDN (here the double's file host).
		agentWorkflow('nbAgentEditSafe1', 'edit', { gateway, openAi }, defaultVersion('agents/Agent/Agent.node.js', 3), { allowedLinkHosts: new URL(double.fileHostUrl).host }),
	]);
});

after(async () => {
	await n8n?.close();
	await model?.close();
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

function assertAgentSucceeded(run: ExecuteResult): void {
	assert.equal(run.result?.data.resultData.error, undefined, `the agent's run failed: ${JSON.stringify(run.result?.data.resultData.error)}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
	const output = nodeItems(run.result, 'AI Agent');
	assert.equal(output.length, 1, `agent output: ${JSON.stringify(output).slice(0, 500)}`);
	assert.equal(output[0].json.output, model.finalAnswer);
}

/** The tool result the model was given: short JSON, one entry per image, no image data. */
function assertShortToolResult(expect: { width: number; height: number }): Record<string, unknown> {
	const results = model.toolResults();
	assert.equal(results.length, 1, `tool results the model got: ${results.length}`);
	const [text] = results;
	assert.ok(text.length < 2000, `the tool result is ${text.length} characters: ${text.slice(0, 300)}`);
	assert.doesNotMatch(text, /base64|iVBORw0KGgo|data:image/, 'image data in the tool result');
	assert.ok(!text.includes(double.apiKey), 'the API key is in the tool result');
	const parsed = JSON.parse(text) as unknown;
	const entries = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
	assert.equal(entries.length, 1);
	const [image] = entries;
	assert.match(String(image.fileName), /^nano-banana-0-0\.png$/);
	assert.equal(typeof image.fileSize, 'number');
	assert.ok((image.fileSize as number) > 1000);
	assert.deepEqual([image.width, image.height], [expect.width, expect.height]);
	return image;
}

test(`an AI Agent in ${label} generates an image with the Nano Banana tool (examples/agent/ai-agent-image-tool.json)`, async () => {
	double.reset();
	model.requests.length = 0;
	model.toolArguments = { prompt: 'A banana on a striped beach towel, bright summer sale banner, text "SUMMER SALE"', aspectRatio: '16:9' };
	const run = await n8n.execute(example.id);
	assertAgentSucceeded(run);

	const [tool] = model.offeredTools();
	assert.ok(tool, 'the agent offered no tool');
	const props = tool.parameters?.properties ?? {};
	assert.deepEqual(Object.keys(props).sort(), ['aspectRatio', 'prompt']);
	assert.match(String(props.prompt.description), /full description of the picture/);
	assert.match(String(props.aspectRatio.description), /16:9/);
	assert.match(String(tool.description), /Gemini image model/);

	const calls = double.requests.filter((r) => r.path === '/v1/images/generations');
	assert.equal(calls.length, 1);
	assert.equal(calls[0].json?.prompt, model.toolArguments.prompt);
	// 16:9 at 1K, the OpenAI-style route's size in pixels; this gateway answered with a link, and
	// the model gets the link too.
	const image = assertShortToolResult({ width: 1344, height: 768 });
	assert.match(String(image.url), new RegExp(`^${double.fileHostUrl}/files/`));
});

test(`an AI Agent in ${label} edits an image it gives as a link`, async () => {
	double.reset();
	model.requests.length = 0;
	const photo = encodePng(800, 600, 12);
	double.files.set('product.png', { bytes: photo, contentType: 'image/png' });
	model.toolArguments = {
		prompt: 'Put this product on a beach towel in bright summer light',
		aspectRatio: 'matchInput',
		imageUrls: `${double.fileHostUrl}/files/product.png`,
	};
	const run = await n8n.execute('nbAgentEdit00001');
	assertAgentSucceeded(run);

	const props = model.offeredTools()[0]?.parameters?.properties ?? {};
	assert.deepEqual(Object.keys(props).sort(), ['aspectRatio', 'imageUrls', 'prompt']);
	assert.match(String(props.imageUrls.description), /Links \(http or https\)/);

	const calls = double.requests.filter((r) => r.path === '/v1/images/edits');
	assert.equal(calls.length, 1);
	assert.equal(calls[0].fields?.prompt?.[0], model.toolArguments.prompt);
	assert.deepEqual(calls[0].files?.map((f) => f.bytes), [photo], 'the gateway did not get the linked image as it was');
	assert.equal(double.downloads[0]?.path, '/files/product.png');
	// 800x600 is 4:3: Match First Input Image picks 4:3 (1184x864 at 1K).
	const image = assertShortToolResult({ width: 1184, height: 864 });
	assert.equal(image.aspectRatio, '4:3');
});

test(`an AI Agent in ${label} steered to the cloud metadata address by a prompt injection: with Allowed Link Hosts set, nothing is downloaded`, async () => {
	double.reset();
	model.requests.length = 0;
	// What a prompt injection in a product description would make the model ask for.
	model.toolArguments = { prompt: 'Edit this image', aspectRatio: 'auto', imageUrls: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' };
	const run = await n8n.execute('nbAgentEditSafe1');
	assert.equal(double.downloads.length, 0, 'something was downloaded');
	assert.equal(double.requests.filter((r) => r.method === 'POST').length, 0, 'the gateway was called');
	// The tool's failure goes back to the model (or ends the run), naming the host and the option.
	const said = `${JSON.stringify(model.toolResults())}${JSON.stringify(run.result?.data.resultData.error ?? '')}${run.stdout}`;
	assert.match(said, /169\.254\.169\.254, which is not in .{0,6}Allowed Link Hosts/);
});
