/**
 * Half price on Google inside one real n8n of the matrix (E2E_HOST; `npm run test:e2e` runs it on
 * every host), against the provider double:
 * - the batch example as users import it (examples/batch/): Submit Batch, n8n's Wait node, Get
 *   Batch, and an If node that loops back to Wait until the job is done, then the images;
 * - a job past the inline limit: its requests streamed through the Files API as a JSONL file by
 *   n8n's own HTTP helpers, Wait for Completion, the responses file read as it downloads;
 * - Generate on the Flex tier: the tier sent, the served tier and the half price in the item.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { bigPng } from '../test/concurrency/bigImage';
import { readImageSize } from '../test/double/images';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import { BATCH_EXAMPLE_CREDENTIAL, BATCH_NODES, BATCH_WORKFLOW_ID, batchWorkflow } from './lib/batchWorkflow';
import { doubleCredentialData } from './lib/examples';
import type { ExecuteResult } from './lib/n8nHost';
import { ensureN8nHost, N8nInstance, nodeItems, packPackage, repoRoot } from './lib/n8nHost';

const host = ensureN8nHost();
const label = `n8n ${host.n8nVersion} on Node ${host.nodeVersion}`;
const NODE_TYPE = 'n8n-nodes-nano-banana.nanoBanana';
const credentials = { googleGeminiImageApi: { ...BATCH_EXAMPLE_CREDENTIAL } };

let work: string;
let double: ProviderDouble;
let n8n: N8nInstance;

/** A workflow of a trigger, a Code node making the items, and one Nano Banana node. */
function oneNode(id: string, code: string, parameters: Record<string, unknown>) {
	return {
		id,
		name: id,
		nodes: [
			{ parameters: {}, id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { jsCode: code }, id: `${id}-c`, name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0] },
			{ parameters, id: `${id}-n`, name: 'Nano Banana', type: NODE_TYPE, typeVersion: 3, position: [440, 0], credentials },
		],
		connections: { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] }, Items: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

function assertSucceeded(run: ExecuteResult): void {
	const context = `exit ${run.code}\n${run.stdout.slice(0, 3000)}\n${run.stderr.slice(-3000)}`;
	assert.ok(run.result, `no run JSON printed; ${context}`);
	assert.equal(run.result.data.resultData.error, undefined, `run failed: ${run.result.data.resultData.error?.message}; ${context}`);
	assert.equal(run.result.status, 'success', context);
}

const LINKS = 22;

before(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'nano-banana-batch-'));
	const tarball = packPackage(work);
	double = await startProviderDouble();
	n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
	n8n.installPackage(tarball);
	n8n.importCredentials([{ ...BATCH_EXAMPLE_CREDENTIAL, type: 'googleGeminiImageApi', data: doubleCredentialData(double, 'googleGeminiImageApi') }]);
	n8n.importWorkflows([
		// The example as shipped, but for a 2 s wait between polls instead of 10 minutes.
		batchWorkflow(2),
		oneNode('nbE2eBatchFile01', `return Array.from({ length: ${LINKS} }, (_, i) => ({ json: { p: 'Put the product on a beach, item ' + i, u: '${double.fileHostUrl}/files/p' + i + '.png' } }));`, {
			provider: 'google',
			operation: 'submitBatch',
			batchOf: 'edit',
			model: 'gemini-3-pro-image',
			prompt: '={{ $json.p }}',
			imageSource: 'url',
			imageUrls: '={{ $json.u }}',
			waitForCompletion: true,
			options: {},
		}),
		oneNode('nbE2eFlexTier001', "return [{ json: { p: 'A studio photo of a teal mug' } }];", { provider: 'google', operation: 'generate', model: 'gemini-3-pro-image', prompt: '={{ $json.p }}', options: { serviceTier: 'flex' } }),
	]);
});

after(async () => {
	await n8n?.close();
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

test('the shipped batch example is the workflow this suite runs (only its wait differs)', () => {
	const shipped = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'batch', 'catalogue-batch-half-price.json'), 'utf8')) as unknown;
	assert.deepEqual(shipped, JSON.parse(JSON.stringify(batchWorkflow())));
});

test(`in ${label}: Submit Batch, Wait, Get Batch, and an If that loops back to Wait until the job is done`, async () => {
	double.reset();
	double.gemini.batches.settings.states = ['BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED'];
	const run = await n8n.execute(BATCH_WORKFLOW_ID);
	assertSucceeded(run);
	const submitted = nodeItems(run.result, BATCH_NODES.submit);
	assert.equal(submitted.length, 1);
	assert.deepEqual([submitted[0].json.state, submitted[0].json.requestCount, submitted[0].json.keys], ['PENDING', 3, ['0', '1', '2']]);
	// Round one: still running; round two: done.
	const gets = run.result?.data.resultData.runData[BATCH_NODES.get] ?? [];
	assert.equal(gets.length, 2, 'Get Batch ran once per round');
	assert.equal(gets[0].data?.main[0]?.[0]?.json.state, 'RUNNING');
	const images = nodeItems(run.result, BATCH_NODES.images);
	assert.deepEqual(images.map((i) => [i.json.key, i.json.state, i.json.width, i.json.height]), [
		['0', 'SUCCEEDED', 896, 1152],
		['1', 'SUCCEEDED', 896, 1152],
		['2', 'SUCCEEDED', 896, 1152],
	]);
	for (const item of images) {
		const bytes = n8n.binaryBytes(item.binary?.data ?? {});
		assert.deepEqual(readImageSize(bytes), { width: 896, height: 1152, mime: 'image/png' });
		// Nano Banana 2.1 lists at $0.034 a 1K image: half of it in batch mode.
		assert.deepEqual(item.json.cost, { usd: 0.017, basis: 'perImage', priced: '2026-12-03', priceFactor: 0.5 });
	}
	assert.equal(double.gemini.batches.stats.created, 1, 'one job, never resubmitted');
	assert.equal(double.gemini.batches.stats.gets, 2);
	assert.ok(!run.stdout.includes(double.apiKey), 'the API key is in the output');
});

test(`in ${label}: a job past the inline limit goes as a JSONL file streamed through the Files API; Wait for Completion reads the responses file`, async () => {
	double.reset();
	const photos = Array.from({ length: LINKS }, (_, i) => bigPng(1024 * 1024, 100 + i));
	photos.forEach((bytes, i) => double.files.set(`p${i}.png`, { bytes, contentType: 'image/png' }));
	const run = await n8n.execute('nbE2eBatchFile01');
	assertSucceeded(run);
	const upload = double.requests.find((r) => r.path === '/upload/v1beta/files' && !r.query.includes('upload_id'));
	assert.equal(upload?.headers['x-goog-upload-header-content-type'], 'application/jsonl');
	const [job] = [...double.gemini.batches.jobs.values()];
	assert.equal(job.source, 'file');
	assert.equal(job.requests.length, LINKS);
	// Every request carries its linked image as it was on the file host.
	const sent = job.requests[7].request as { contents: Array<{ parts: Array<{ inlineData?: { data: string } }> }> };
	assert.ok(Buffer.from(sent.contents[0].parts[1].inlineData?.data ?? '', 'base64').equals(photos[7]), 'request 7 does not carry its image');
	const items = nodeItems(run.result, 'Nano Banana');
	assert.deepEqual(items.map((i) => i.json.key), Array.from({ length: LINKS }, (_, i) => String(i)));
	assert.equal(double.gemini.batches.stats.downloads, 1, 'the responses file downloaded once');
});

test(`in ${label}: Generate on the Flex tier sends serviceTier and prices the image at half`, async () => {
	double.reset();
	const run = await n8n.execute('nbE2eFlexTier001');
	assertSucceeded(run);
	const call = double.requests.find((r) => r.path.endsWith(':generateContent'));
	assert.equal(call?.json?.serviceTier, 'flex');
	const [item] = nodeItems(run.result, 'Nano Banana');
	assert.equal(item.json.serviceTier, 'flex');
	assert.deepEqual(item.json.cost, { usd: 0.0672, basis: 'imageTokens', priced: '2026-12-03', priceFactor: 0.5 });
});
