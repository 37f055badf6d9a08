/**
 * Batch mode on Google's Gemini API through n8n-core's real workflow execution against the
 * provider double's batch route (test/double/geminiBatch.ts): Submit Batch (inline, and a JSONL file
 * through the Files API past ~20 MB), Get Batch (every state, inline results by position, a results
 * file, a failed request inside a succeeded job, a job failed or expired whole, an unknown name),
 * Cancel Batch, Wait for Completion, bad items refused before anything is submitted, and the batch
 * price in json.cost.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { bigPng } from '../concurrency/bigImage';
import { promptItems } from '../concurrency/batch';
import { readImageSize } from '../double/images';
import type { InputItem, OutputItem } from '../helpers/n8n';
import { runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const MODEL = 'gemini-3-pro-image';
const submit = (extra: INodeParameters = {}): INodeParameters => ({ provider: 'google', operation: 'submitBatch', model: MODEL, prompt: '={{ $json.p }}', aspectRatio: '4:5', ...extra });
const get: INodeParameters = { provider: 'google', operation: 'getBatch' };
const cancel: INodeParameters = { provider: 'google', operation: 'cancelBatch' };
const submits = () => double.requests.filter((r) => r.path.endsWith(':batchGenerateContent'));
const batch = () => double.gemini.batches;
const asInput = (items: OutputItem[]): InputItem[] => items.map((i) => ({ json: i.json }));

async function submitted(count: number, extra: INodeParameters = {}) {
	const result = await runNanoBanana(double, submit(extra), { items: promptItems(count) });
	expect(result.error).toBeUndefined();
	return result.items[0];
}

describe('Submit Batch', () => {
	test('all input items become one inline job, each request keyed by its item; one item out with the job, its keys and the batch price', async () => {
		const job = await submitted(3);
		const [call] = submits();
		expect(call.path).toBe(`/v1beta/models/${MODEL}:batchGenerateContent`);
		const requests = ((call.json as IDataObject).batch as { inputConfig: { requests: { requests: Array<{ request: IDataObject; metadata: IDataObject }> } } }).inputConfig.requests.requests;
		expect(requests.map((r) => r.metadata)).toEqual([{ key: '0' }, { key: '1' }, { key: '2' }]);
		expect(requests[1].request).toEqual({ contents: [{ role: 'user', parts: [{ text: 'p1' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } } });
		expect(job.json).toMatchObject({ batchName: expect.stringMatching(/^batches\//), state: 'PENDING', done: false, model: MODEL, requestCount: 3, input: 'inline', keys: ['0', '1', '2'] });
		// Nano Banana Pro at 1K lists at $0.134; half of it, three times.
		expect(job.json.cost).toEqual({ usd: 0.201, basis: 'perImage', priced: '2026-12-03', priceFactor: 0.5 });
		expect(job.pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(batch().stats.created).toBe(1);
	});

	test('Number of Images: that many requests per item, keyed item-image', async () => {
		const job = await submitted(2, { options: { numberOfImages: 2 } });
		expect(job.json.keys).toEqual(['0-0', '0-1', '1-0', '1-1']);
		expect(job.json.requestCount).toBe(4);
	});

	test('a bad item is refused, named by item, before anything is submitted', async () => {
		const items = [{ json: { p: 'a mug' } }, { json: { p: '' } }, { json: { p: 'a cup' } }];
		const result = await runNanoBanana(double, submit(), { items });
		expect(result.error?.message).toBe('"Prompt" is empty [item 1]');
		expect(submits()).toHaveLength(0);
	});

	test('Continue On Fail leaves a bad item out of the job and says so', async () => {
		const items = [{ json: { p: 'a mug' } }, { json: { p: '' } }, { json: { p: 'a cup' } }];
		const result = await runNanoBanana(double, submit(), { items, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [job] = result.items;
		expect(job.json.keys).toEqual(['0', '2']);
		expect(job.json.skipped).toEqual([{ itemIndex: 1, error: '"Prompt" is empty [item 1]' }]);
		expect(job.json.warnings).toEqual([expect.stringContaining('1 item was left out of the job (Continue On Fail): item 1')]);
	});

	test('Edit with links: a link that is not an image fails its item before the job is submitted', async () => {
		double.files.set('page.png', { bytes: Buffer.from('<html>not an image</html>'), contentType: 'text/html' });
		const items = [{ json: { p: 'make it red', u: `${double.fileHostUrl}/page.png` } }];
		const result = await runNanoBanana(double, submit({ batchOf: 'edit', imageSource: 'url', imageUrls: '={{ $json.u }}', aspectRatio: 'auto' }), { items });
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(submits()).toHaveLength(0);
	});

	test('every item must name the same model: one job, one model', async () => {
		const items = [{ json: { p: 'a', m: MODEL } }, { json: { p: 'b', m: 'gemini-nano-banana-2.1' } }];
		const result = await runNanoBanana(double, submit({ model: '={{ $json.m }}' }), { items });
		expect(result.error?.message).toMatch(/^A batch job is for one model: item 1 asks for "gemini-nano-banana-2.1", item 0 for "gemini-3-pro-image"/);
		expect(submits()).toHaveLength(0);
	});

	test('a quota 429 (RESOURCE_EXHAUSTED) on submit is retried like any busy call', async () => {
		double.enqueue({ status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }, match: (r) => r.path.endsWith(':batchGenerateContent') });
		const job = await submitted(2);
		expect(submits()).toHaveLength(2);
		expect(batch().stats.created).toBe(1);
		expect(job.json.state).toBe('PENDING');
	});

	test('past ~20 MB the requests go as a JSONL file, streamed through the Files API; Get Batch reads the responses file', async () => {
		// 22 edits of a 1 MB image each: about 29 MB of base64, too much for one inline body.
		const items: InputItem[] = Array.from({ length: 22 }, (_, i) => ({ json: { p: `edit ${i}` }, binary: { data: { data: bigPng(1024 * 1024, i + 1), mimeType: 'image/png', fileName: `p${i}.png` } } }));
		const result = await runNanoBanana(double, submit({ batchOf: 'edit', aspectRatio: 'auto' }), { items });
		expect(result.error).toBeUndefined();
		const [job] = result.items;
		expect(job.json).toMatchObject({ input: 'file', requestCount: 22 });
		const upload = double.requests.find((r) => r.path === '/upload/v1beta/files' && !r.query.includes('upload_id'));
		expect(upload?.headers['x-goog-upload-header-content-type']).toBe('application/jsonl');
		const fileName = ((submits()[0].json as IDataObject).batch as { inputConfig: { fileName: string } }).inputConfig.fileName;
		const lines = (double.gemini.files.get(fileName)?.bytes.toString('utf8') ?? '').trim().split('\n').map((l) => JSON.parse(l) as { key: string; request: { contents: Array<{ parts: unknown[] }> } });
		expect(lines.map((l) => l.key)).toEqual(items.map((_, i) => String(i)));
		const [text, image] = lines[5].request.contents[0].parts as [IDataObject, { inlineData: { mimeType: string; data: string } }];
		expect(text).toEqual({ text: 'edit 5' });
		expect(image.inlineData.mimeType).toBe('image/png');
		expect(Buffer.from(image.inlineData.data, 'base64').equals(items[5].binary?.data.data as Buffer)).toBe(true);

		const got = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(got.error).toBeUndefined();
		expect(got.items).toHaveLength(22);
		expect(got.items.map((i) => i.json.key)).toEqual(items.map((_, i) => String(i)));
		expect(batch().stats.downloads).toBe(1);
	});
});

describe('Get Batch', () => {
	test('a succeeded job: one item per image, keyed to the item it came from, at half the price of Generate, with its real size', async () => {
		const job = await submitted(3);
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		for (const [i, item] of result.items.entries()) {
			expect(item.json).toMatchObject({ operation: 'getBatch', batchName: job.json.batchName, key: String(i), itemIndex: i, model: MODEL, mimeType: 'image/png', fileName: `nano-banana-batch-${i}.png` });
			expect(readImageSize(item.binary.data.bytes)).toMatchObject({ width: item.json.width, height: item.json.height });
			expect(item.pairedItem).toEqual({ item: 0 });
		}
		const direct = await runNanoBanana(double, { provider: 'google', operation: 'generate', model: MODEL, prompt: 'p0', aspectRatio: '4:5' });
		expect((result.items[0].json.cost as { usd: number }).usd / (direct.items[0].json.cost as { usd: number }).usd).toBe(0.5);
		expect(result.items[0].json.width).toBe(direct.items[0].json.width);
	});

	test('Get Batch never resubmits: run twice, the same items', async () => {
		const job = await submitted(2);
		const first = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		const second = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(second.items.map((i) => i.json)).toEqual(first.items.map((i) => i.json));
		expect(second.items.map((i) => i.binary.data.bytes)).toEqual(first.items.map((i) => i.binary.data.bytes));
		expect(batch().stats.created).toBe(1);
	});

	test('inline results without their metadata are matched by position to the keys Submit Batch gave', async () => {
		batch().settings.dropInlineMetadata = true;
		const job = await submitted(2, { options: { numberOfImages: 2 } });
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(result.items.map((i) => [i.json.key, i.json.itemIndex])).toEqual([['0-0', 0], ['0-1', 0], ['1-0', 1], ['1-1', 1]]);
	});

	test('a job still running is an item with its state and counts; a later Get gives its images', async () => {
		batch().settings.states = ['BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED'];
		const job = await submitted(2);
		const running = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(running.items).toHaveLength(1);
		expect(running.items[0].json).toMatchObject({ batchName: job.json.batchName, state: 'RUNNING', done: false, requestCount: 2, pendingRequestCount: 2, keys: ['0', '1'] });
		const done = await runNanoBanana(double, get, { items: asInput(running.items) });
		expect(done.items.map((i) => i.json.key)).toEqual(['0', '1']);
	});

	test('a request that failed inside a succeeded job stops the node, naming the job and the key', async () => {
		batch().settings.failKeys = ['1'];
		const job = await submitted(3);
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(result.error?.message).toBe(`Request "1" of ${String(job.json.batchName)} failed: Internal error encountered. (code 13)`);
	});

	test('Continue On Fail: the failed request is an error item beside the others\' images', async () => {
		batch().settings.failKeys = ['1'];
		const job = await submitted(3);
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }], continueOnFail: true });
		expect(result.items.map((i) => i.json.key)).toEqual(['0', '1', '2']);
		expect(result.items[1].json).toMatchObject({ error: expect.stringContaining('Request "1"'), key: '1', itemIndex: 1 });
		expect(Object.keys(result.items[1].binary ?? {})).toEqual([]);
		expect(result.items[2].binary.data.bytes.length).toBeGreaterThan(0);
	});

	test('a request Google refused (an invalid field inside it) is that request\'s error', async () => {
		const job = await submitted(1, { options: { extraFields: '{"generationConfig": {"bogus": 1}}' } });
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }], continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^Request "0" of batches\/\w+ failed: Invalid JSON payload received\. Unknown name "bogus".*\(code 3\)$/);
	});

	test.each([
		['BATCH_STATE_FAILED', /failed as a whole: Batch job failed: the input could not be processed\. \(code 13\)$/],
		['BATCH_STATE_EXPIRED', /expired before it finished$/],
	])('a job %s is an error that says so', async (state, message) => {
		batch().settings.states = [state];
		const job = await submitted(1);
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(result.error?.message).toMatch(message);
		expect(String(result.error?.description)).toContain('Submit the items again');
	});

	test('an unknown batch name is a 404 that says what to check; a name that is not one is refused before any call', async () => {
		const unknown = await runNanoBanana(double, { ...get, batchName: 'batches/nosuchjob' });
		expect(unknown.error?.message).toBe('Google has no batch job batches/nosuchjob');
		expect(unknown.error?.httpCode).toBe('404');
		const calls = double.requests.length;
		const bad = await runNanoBanana(double, { ...get, batchName: 'https://example.com/x' });
		expect(bad.error?.message).toBe('"Batch Name" "https://example.com/x" is not a batch job\'s name [item 0]');
		expect(double.requests.length).toBe(calls);
	});

	test('several jobs, one per input item; Continue On Fail keeps going past an unknown one', async () => {
		const a = await submitted(1);
		const b = await submitted(2);
		const items = [{ json: a.json }, { json: { batchName: 'batches/gone' } }, { json: b.json }];
		const result = await runNanoBanana(double, get, { items, continueOnFail: true });
		expect(result.items.map((i) => [i.json.batchName ?? null, i.json.key ?? null, i.pairedItem])).toEqual([
			[a.json.batchName, '0', { item: 0 }],
			[null, null, { item: 1 }],
			[b.json.batchName, '0', { item: 2 }],
			[b.json.batchName, '1', { item: 2 }],
		]);
		expect(result.items[1].json.error).toBe('Google has no batch job batches/gone');
	});

	test('the API key is nowhere in the items', async () => {
		const job = await submitted(1);
		const result = await runNanoBanana(double, get, { items: [{ json: job.json }] });
		expect(serialiseDeep([job, result.items])).not.toContain(double.apiKey);
	});
});

describe('Cancel Batch and Wait for Completion', () => {
	test('Cancel Batch stops a running job and outputs its state; a job already ended gets a warning, no call', async () => {
		batch().settings.states = ['BATCH_STATE_RUNNING'];
		const job = await submitted(2);
		const result = await runNanoBanana(double, cancel, { items: [{ json: job.json }] });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ batchName: job.json.batchName, state: 'CANCELLED', done: true });
		expect(double.requests.filter((r) => r.path.endsWith(':cancel'))).toHaveLength(1);
		const again = await runNanoBanana(double, cancel, { items: [{ json: job.json }] });
		expect(again.items[0].json.warnings).toEqual([`${String(job.json.batchName)} had already ended (CANCELLED): there was nothing to cancel.`]);
		expect(double.requests.filter((r) => r.path.endsWith(':cancel'))).toHaveLength(1);
	});

	test('Wait for Completion polls until the job succeeds, then outputs its images paired with the items they came from', async () => {
		batch().settings.states = ['BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED'];
		const result = await runNanoBanana(double, submit({ waitForCompletion: true }), { items: promptItems(3) });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.key, i.json.operation, i.pairedItem])).toEqual([
			['0', 'submitBatch', { item: 0 }],
			['1', 'submitBatch', { item: 1 }],
			['2', 'submitBatch', { item: 2 }],
		]);
		expect(batch().stats.gets).toBe(2);
	});

	test('Wait for Completion gives the state when the time runs out first', async () => {
		batch().settings.states = ['BATCH_STATE_RUNNING'];
		const result = await runNanoBanana(double, submit({ waitForCompletion: true, maxWaitMinutes: 0.05 }), { items: promptItems(1) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ state: 'RUNNING', done: false, keys: ['0'] });
		expect(batch().stats.gets).toBeGreaterThanOrEqual(1);
	});
});
