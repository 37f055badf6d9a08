/**
 * Issue #5: inputs n8n keeps on disk (filesystem binary mode) are streamed into the multipart
 * body, never read whole into memory; inputs held in the item (default mode) go as buffers.
 * Either way the gateway receives exactly the input bytes.
 */
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

import type { ProviderDouble } from '../double/providerDouble';
import { canned, startProviderDouble } from '../double/providerDouble';
import type { InputItem } from '../helpers/n8n';
import { shutdownN8n } from '../helpers/n8n';
import { runNanoBanana } from '../helpers/nanoBanana';
import { bigPng } from './bigImage';

let double: ProviderDouble;

const MB = 1024 * 1024;
const inputs = { first: bigPng(8 * MB, 1), second: bigPng(6 * MB + 12345, 2) };
const item: InputItem = {
	json: {},
	binary: {
		first: { data: inputs.first, mimeType: 'image/png', fileName: 'first.png' },
		second: { data: inputs.second, mimeType: 'image/png', fileName: 'second.png' },
	},
};

const edit = {
	provider: 'gptGe',
	operation: 'edit',
	model: 'nano-banana',
	prompt: 'Put both on one poster',
	imageProperties: 'first, second',
	aspectRatio: '1:1',
	options: { responseFormat: 'b64_json', maxRetries: 1 },
};

beforeAll(async () => {
	double = await startProviderDouble();
});
afterEach(() => {
	double.reset();
	jest.restoreAllMocks();
});
afterAll(async () => {
	await double.close();
	await shutdownN8n();
});

function expectExactInputs(): void {
	const last = double.requests[double.requests.length - 1];
	const files = last.files ?? [];
	expect(files.map((f) => [f.field, f.filename, f.contentType])).toEqual([
		['image', 'first.png', 'image/png'],
		['image', 'second.png', 'image/png'],
	]);
	expect(files[0].bytes.equals(inputs.first)).toBe(true);
	expect(files[1].bytes.equals(inputs.second)).toBe(true);
	// The length was known up front (form-data told the file sizes): no chunked upload.
	expect(last.headers['transfer-encoding']).toBeUndefined();
	expect(Number(last.headers['content-length'])).toBe(last.rawBodyLength);
}

describe('filesystem mode', () => {
	test('large inputs are streamed from disk, byte for byte, and never read whole', async () => {
		const asBuffer = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
		const asStream = jest.spyOn(BinaryDataService.prototype, 'getAsStream');
		const result = await runNanoBanana(double, edit, { items: [item], binaryMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		expect(double.requests).toHaveLength(1);
		expectExactInputs();

		// The only whole reads are the harness reading the node's output back after the run.
		const outputIds = result.items.flatMap((i) => Object.values(i.binary).map((b) => b.id));
		const readWhole = asBuffer.mock.calls.map(([binary]) => (binary as IBinaryData).id);
		expect(readWhole.every((id) => outputIds.includes(id))).toBe(true);
		// Each input was opened as a stream: once for its first bytes (the type check), once to send.
		const streamed = asStream.mock.calls.map(([id]) => id);
		expect(streamed).toHaveLength(4);
		expect(new Set(streamed).size).toBe(2);
		expect(streamed.some((id) => outputIds.includes(id))).toBe(false);
	});

	test('a retried edit streams the files again, whole', async () => {
		double.enqueue(canned.saturated(503, 0));
		const result = await runNanoBanana(double, edit, { items: [item], binaryMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		expect(double.requests).toHaveLength(2);
		expectExactInputs();
	});
});

describe('default mode', () => {
	test('inputs held in the item go out as buffers, byte for byte', async () => {
		const result = await runNanoBanana(double, edit, { items: [item], binaryMode: 'default' });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectExactInputs();
	});
});
