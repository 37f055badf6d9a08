/**
 * Answers the node used to misread (issue 19), through n8n-core's real workflow execution against
 * the provider double: Gemini's words beside a finish that is not STOP, images given as a file URI,
 * OpenRouter's choice-level errors and Google's own reason passed on, OpenRouter's image-only
 * models, a model typed with its `models/` prefix, and a hint of its own for every finish reason.
 */
import type { INodeParameters } from 'n8n-workflow';

import { bigPng } from '../concurrency/bigImage';
import { encodePng } from '../double/images';
import { imageItem, runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const PROMPT = 'A product photo of a yellow ceramic mug';
const google = (extra: Record<string, unknown> = {}): INodeParameters => ({ provider: 'google', operation: 'generate', model: 'gemini-3.1-flash-image', prompt: PROMPT, ...extra });
const openRouter = (extra: Record<string, unknown> = {}): INodeParameters => ({ provider: 'openRouter', operation: 'generate', model: 'google/gemini-3.1-flash-image', prompt: PROMPT, ...extra });
const candidate = (finishReason: string, parts: unknown[], more: Record<string, unknown> = {}) => ({ status: 200, body: { candidates: [{ content: { role: 'model', parts }, finishReason, ...more }] } });
const calls = () => double.requests.filter((r) => r.path.endsWith(':generateContent') || r.path === '/v1/chat/completions');

describe('Gemini: words beside a finish that is not STOP', () => {
	test.each(['NO_IMAGE', 'OTHER', 'IMAGE_OTHER', 'LANGUAGE', 'MAX_TOKENS'])('%s with text, under "Output the Text", is the text item with json.finishReason', async (reason) => {
		double.enqueue(candidate(reason, [{ text: 'I can only describe a mug, not draw one.' }]));
		const result = await runNanoBanana(double, google({ options: { onTextAnswer: 'output' } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ noImage: true, text: 'I can only describe a mug, not draw one.', finishReason: reason });
		expect(Object.keys(result.items[0].binary ?? {})).toEqual([]);
		expect(calls()).toHaveLength(1);
	});

	test('a text-only STOP answer says STOP too', async () => {
		double.enqueue(candidate('STOP', [{ text: 'Here is a description instead.' }]));
		const result = await runNanoBanana(double, google({ options: { onTextAnswer: 'output' } }));
		expect(result.items[0].json).toMatchObject({ noImage: true, finishReason: 'STOP' });
	});

	test('NO_IMAGE with text under "Fail the Item" names the reason, quotes the words and gives its hint', async () => {
		double.enqueue(candidate('NO_IMAGE', [{ text: 'I would rather describe it.' }]));
		const result = await runNanoBanana(double, google());
		expect(result.error?.message).toBe('The model answered with text instead of an image (NO_IMAGE)');
		expect(result.error?.description).toMatch(/^The model said: "I would rather describe it."\. The model decided not to draw\./);
	});

	test.each(['IMAGE_SAFETY', 'RECITATION', 'SPII'])('a %s finish stays an error, with the model\'s words in the description, even under "Output the Text"', async (reason) => {
		double.enqueue(candidate(reason, [{ text: 'I cannot make that picture.' }], { finishMessage: 'Blocked.' }));
		const result = await runNanoBanana(double, google({ options: { onTextAnswer: 'output' } }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(`Google Gemini API (AI Studio) made no image: ${reason} (Blocked.)`);
		expect(result.error?.description).toContain('The model said: "I cannot make that picture."');
		expect(calls()).toHaveLength(1);
	});

	test('with "Include the Model\'s Text", words beside an image are kept whatever the finish reason', async () => {
		const png = encodePng(32, 32, 3);
		double.enqueue(candidate('MAX_TOKENS', [{ text: 'Here it is.' }, { inlineData: { mimeType: 'image/png', data: png.toString('base64') } }]));
		const result = await runNanoBanana(double, google({ options: { includeText: true } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ text: 'Here it is.', width: 32, height: 32 });
		expect(result.items[0].binary.data.bytes.equals(png)).toBe(true);
	});

	test('each finish reason gets its own hint', async () => {
		const descriptions = new Map<string, string>();
		for (const reason of ['SPII', 'LANGUAGE', 'IMAGE_OTHER', 'NO_IMAGE', 'IMAGE_SAFETY', 'IMAGE_RECITATION', 'BLOCKLIST']) {
			double.reset();
			double.enqueue(candidate(reason, []));
			const result = await runNanoBanana(double, google());
			expect(result.error?.message).toBe(`Google Gemini API (AI Studio) made no image: ${reason}`);
			descriptions.set(reason, String(result.error?.description));
		}
		expect(new Set(descriptions.values()).size).toBe(descriptions.size);
		expect(descriptions.get('SPII')).toMatch(/personal information/);
		expect(descriptions.get('LANGUAGE')).toMatch(/language/);
		expect(descriptions.get('IMAGE_OTHER')).toMatch(/Run again/);
	});
});

describe('Gemini: an image given as a file URI', () => {
	test('a file of the Files API is fetched from its download address with the key, and is the image', async () => {
		const png = bigPng(5000, 11);
		const name = 'files/answer1';
		double.gemini.files.set(name, { name, uri: `${double.baseUrlFor('google')}/v1beta/${name}`, mimeType: 'image/png', bytes: png, processingPolls: 0 });
		double.enqueue(candidate('STOP', [{ fileData: { mimeType: 'image/png', fileUri: `${double.baseUrlFor('google')}/v1beta/${name}` } }]));
		const result = await runNanoBanana(double, google());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].binary.data.bytes.equals(png)).toBe(true);
		const download = double.requests.find((r) => r.path === `/v1beta/${name}:download`);
		expect(download?.query).toBe('alt=media');
		expect(download?.headers['x-goog-api-key']).toBe(double.apiKey);
	});

	test('a file URI on another host is downloaded without the key', async () => {
		const png = bigPng(3000, 12);
		double.files.set('elsewhere.png', { bytes: png, contentType: 'image/png' });
		double.enqueue(candidate('STOP', [{ file_data: { mime_type: 'image/png', file_uri: `${double.fileHostUrl}/files/elsewhere.png` } }]));
		const result = await runNanoBanana(double, google());
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary.data.bytes.equals(png)).toBe(true);
		expect(double.downloads).toHaveLength(1);
		expect(serialiseDeep(double.downloads)).not.toContain(double.apiKey);
	});

	test('a gs:// file URI is a clear error, not "answered without any image"', async () => {
		double.enqueue(candidate('STOP', [{ fileData: { mimeType: 'image/png', fileUri: 'gs://bucket/image.png' } }]));
		const result = await runNanoBanana(double, google());
		expect(result.error?.message).toBe('The image link uses gs:, which the node does not follow');
	});
});

describe('OpenRouter: choice errors and Google\'s own reason', () => {
	const choiceError = (code: number, message: string) => ({
		status: 200,
		body: { id: 'gen-1', choices: [{ index: 0, finish_reason: 'error', native_finish_reason: 'error', message: { role: 'assistant', content: '' }, error: { code, message, metadata: { provider_name: 'Google AI Studio' } } }] },
	});

	test('a choice error with code 502 is named and retried; the image of the next attempt arrives', async () => {
		double.enqueue(choiceError(502, 'Upstream error from Google: overloaded'));
		const result = await runNanoBanana(double, openRouter());
		expect(result.error).toBeUndefined();
		expect(calls()).toHaveLength(2);
		expect(result.items).toHaveLength(1);
	});

	test('a choice error with code 400 is named, with its code, and not retried', async () => {
		double.enqueue(choiceError(400, 'Image input is too large for this model'));
		const result = await runNanoBanana(double, openRouter({ options: { maxRetries: 3 } }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('OpenRouter reported an error for this request: Image input is too large for this model (upstream: Google AI Studio) (code 400)');
		expect(result.error?.httpCode).toBe('400');
		expect(calls()).toHaveLength(1);
	});

	test('native_finish_reason IMAGE_SAFETY is a block even when finish_reason says "stop"', async () => {
		double.enqueue({ status: 200, body: { choices: [{ finish_reason: 'stop', native_finish_reason: 'IMAGE_SAFETY', message: { role: 'assistant', content: null } }] } });
		const result = await runNanoBanana(double, openRouter());
		expect(result.error?.message).toBe('OpenRouter made no image: IMAGE_SAFETY (stop)');
		expect(result.error?.description).toMatch(/safety filters/);
		expect(calls()).toHaveLength(1);
	});

	test('native_finish_reason NO_IMAGE with words is a text answer with that reason', async () => {
		double.enqueue({ status: 200, body: { choices: [{ finish_reason: 'stop', native_finish_reason: 'NO_IMAGE', message: { role: 'assistant', content: 'A mug is a cup with a handle.' } }] } });
		const result = await runNanoBanana(double, openRouter({ options: { onTextAnswer: 'output' } }));
		expect(result.items[0].json).toMatchObject({ noImage: true, text: 'A mug is a cup with a handle.', finishReason: 'NO_IMAGE' });
	});

	test('an image-only model of another vendor is asked for modalities ["image"]; Google\'s for both', async () => {
		double.enqueue({ status: 200, body: { choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: '', images: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${encodePng(16, 16, 1).toString('base64')}` } }] } }] } });
		const result = await runNanoBanana(double, openRouter({ model: 'black-forest-labs/flux.2-pro', options: { includeText: true } }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.modalities).toEqual(['image']);
		expect(result.items[0].json.warnings).toEqual(['"Include the Model\'s Text" has no effect: OpenRouter serves "black-forest-labs/flux.2-pro" as a model that answers with images only.']);
		double.reset();
		await runNanoBanana(double, openRouter());
		expect(double.requests[0].json?.modalities).toEqual(['image', 'text']);
	});
});

describe('Gemini: requests as Google\'s client sends them', () => {
	test('a model typed as models/<id> goes to models/<id>, not models%2F...', async () => {
		const result = await runNanoBanana(double, google({ model: 'models/gemini-3-pro-image' }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].path).toBe('/v1beta/models/gemini-3-pro-image:generateContent');
		expect(result.items[0].json).toMatchObject({ width: 1024, height: 1024 });
	});

	test('the Files API start names the file, its type and its size', async () => {
		const big = bigPng(21 * 1024 * 1024, 13);
		const item = { json: {}, binary: { data: { data: big, mimeType: 'image/png', fileName: 'catalogue.png' } } };
		const result = await runNanoBanana(double, { ...google({ model: 'gemini-3-pro-image' }), operation: 'edit' }, { items: [item] });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json).toEqual({ file: { displayName: 'catalogue.png', mimeType: 'image/png', sizeBytes: String(big.length) } });
	});
});

describe('an OpenAI-compatible gateway: Image Field Name', () => {
	const editOn = (imageField?: string) =>
		runNanoBanana(
			double,
			{ provider: 'openAiCompatible', operation: 'edit', model: 'nano-banana', prompt: PROMPT, imageProperties: 'a, b' },
			{ items: [imageItem({ a: { width: 32, height: 32 }, b: { width: 16, height: 16 } })], credential: imageField ? { imageField } : {} },
		);

	test('"image" (the default, seed 002) repeats image; "image[]" sends image[] as OpenAI\'s API does', async () => {
		expect((await editOn()).error).toBeUndefined();
		expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image', 'image']);
		double.reset();
		expect((await editOn('image[]')).error).toBeUndefined();
		expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image[]', 'image[]']);
	});
});
