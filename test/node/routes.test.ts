/**
 * The routes beyond the OpenAI Images API, through n8n-core's real workflow execution against the
 * provider double: Google's Gemini API (generateContent, the Files API), OpenRouter, and chat
 * completions on an OpenAI-compatible gateway, with the answer shapes and faults each one has.
 */
import type { INodeParameters } from 'n8n-workflow';

import { bigPng } from '../concurrency/bigImage';
import { readImageSize } from '../double/images';
import type { RecordedRequest, ScriptedResponse } from '../double/providerDouble';
import type { InputItem } from '../helpers/n8n';
import type { ProviderId } from '../helpers/nanoBanana';
import { imageItem, runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const PROMPT = 'A product photo of a yellow ceramic mug';
const params = (provider: ProviderId, model: string, extra: Record<string, unknown> = {}): INodeParameters => ({
	provider,
	operation: 'generate',
	model,
	prompt: PROMPT,
	...extra,
});
const edit = (provider: ProviderId, model: string, extra: Record<string, unknown> = {}) => params(provider, model, { operation: 'edit', ...extra });

const generateCalls = () => double.requests.filter((r) => r.path.endsWith(':generateContent') || r.path === '/v1/chat/completions');
const partsOf = (r: RecordedRequest) => ((r.json?.contents as Array<{ parts: Array<Record<string, unknown>> }>)[0]).parts;
const googleError = (code: number, status: string, message: string, details?: unknown[]): ScriptedResponse => ({
	status: code,
	body: { error: { code, message, status, ...(details ? { details } : {}) } },
});

function expectNoKeyIn(value: unknown): void {
	expect(serialiseDeep(value)).not.toContain(double.apiKey);
}

describe('Google Gemini API: generate', () => {
	test('sends generateContent with the key in x-goog-api-key, and reads the image (not the thought parts)', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-3-pro-image', { aspectRatio: '16:9', resolution: '2K' }));
		expect(result.error).toBeUndefined();
		const [request] = double.requests;
		expect(double.requests).toHaveLength(1);
		expect(request.path).toBe('/v1beta/models/gemini-3-pro-image:generateContent');
		expect(request.query).toBe('');
		expect(request.headers['x-goog-api-key']).toBe(double.apiKey);
		expect(request.headers.authorization).toBeUndefined();
		expect(request.json).toEqual({
			contents: [{ role: 'user', parts: [{ text: PROMPT }] }],
			generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
		});
		// The double adds a 64x64 draft image as a thought part: it is not an output.
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(readImageSize(item.binary.data.bytes)).toMatchObject({ width: 2688, height: 1536 });
		expect(item.json).toMatchObject({ provider: 'google', width: 2688, height: 1536, aspectRatio: '16:9', resolution: '2K', usage: { candidatesTokenCount: 1120 } });
		// Nano Banana Pro bills 1120 image tokens at 2K, at $120 per million.
		expect(item.json.cost).toEqual({ usd: 0.1344, basis: 'imageTokens', priced: '2026-12-03' });
		expect(item.json.warnings).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('Gemini 2.5 Flash Image has no size setting: 2K is a warning, not a field', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image', { aspectRatio: '4:5', resolution: '2K' }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } });
		expect(result.items[0].json).toMatchObject({ width: 896, height: 1152 });
		expect((result.items[0].json.warnings as string[]).join('\n')).toMatch(/Resolution 2K was not sent: "gemini-2.5-flash-image" makes 1K images only/);
	});

	test('three images are three calls, side by side, in one item each', async () => {
		// Each answer waits 300 ms: calls sent one after another would arrive 300 ms apart.
		double.settings.latencyMs = 300;
		const arrivals: number[] = [];
		double.enqueue({ match: () => (arrivals.push(Date.now()), false) });
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image', { options: { numberOfImages: 3, concurrency: 3 } }));
		expect(result.error).toBeUndefined();
		expect(generateCalls()).toHaveLength(3);
		expect(arrivals).toHaveLength(3);
		expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(300);
		expect(result.items.map((i) => i.json.index)).toEqual([0, 1, 2]);
		const hashes = new Set(result.items.map((i) => i.binary.data.bytes.toString('base64')));
		expect(hashes.size).toBe(3);
		expect(result.items.every((i) => i.json.warnings === undefined)).toBe(true);
	});

	test('"Include the Model\'s Text" asks for TEXT too, and the words come out in json.text', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-3.1-flash-image', { options: { includeText: true } }));
		expect(result.error).toBeUndefined();
		expect((double.requests[0].json?.generationConfig as { responseModalities: string[] }).responseModalities).toEqual(['TEXT', 'IMAGE']);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.text).toBe('Here is the image you asked for.');
	});

	test('Nano Banana 2 takes 512 and 1:8; the size of the image follows', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-3.1-flash-image', { aspectRatio: '1:8', resolution: '512' }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '1:8', imageSize: '512' } });
		expect(result.items[0].json).toMatchObject({ width: 192, height: 1536 });
	});

	test.each([
		['resolution 512', { resolution: '512' }, /"Resolution" 512 is not offered by Nano Banana Pro \("gemini-3-pro-image"\) \[item 0\]/],
		['aspect ratio 4:1', { aspectRatio: '4:1' }, /"Aspect Ratio" 4:1 is not offered by Nano Banana Pro \("gemini-3-pro-image"\) \[item 0\]/],
	])('%s on another model is refused before any request', async (_name, extra, message) => {
		const result = await runNanoBanana(double, params('google', 'gemini-3-pro-image', extra));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(double.requests).toHaveLength(0);
	});

	test('extra request fields merge into generationConfig instead of replacing it', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-3-pro-image', { aspectRatio: '3:2', options: { extraFields: '{"generationConfig": {"temperature": 0.4}}' } }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' }, temperature: 0.4 });
	});
});

describe('Google Gemini API: edit', () => {
	test('input images go as inlineData in the order named', async () => {
		const item = imageItem({ product: { width: 300, height: 200 }, style: { width: 64, height: 64, format: 'jpeg' } });
		const result = await runNanoBanana(double, edit('google', 'gemini-3-pro-image', { imageProperties: 'product, style' }), { items: [item] });
		expect(result.error).toBeUndefined();
		const parts = partsOf(double.requests[0]);
		expect(parts[0]).toEqual({ text: PROMPT });
		expect(parts.slice(1).map((p) => (p.inlineData as { mimeType: string }).mimeType)).toEqual(['image/png', 'image/jpeg']);
		const sent = parts.slice(1).map((p) => Buffer.from((p.inlineData as { data: string }).data, 'base64'));
		const binary = item.binary as NonNullable<InputItem['binary']>;
		expect(sent[0].equals(binary.product.data)).toBe(true);
		expect(sent[1].equals(binary.style.data)).toBe(true);
		// No ratio asked for: the double keeps the first image's shape (3:2).
		expect(result.items[0].json).toMatchObject({ width: 1248, height: 832 });
		expect(result.items[0].json.warnings).toBeUndefined();
	});

	test('inputs n8n keeps on disk are streamed into the base64 body, byte for byte', async () => {
		// Sizes that are not multiples of 3 and span several read chunks: the base64 seams must hold.
		const a = bigPng(200_001, 5);
		const b = bigPng(70_000, 6);
		const items: InputItem[] = [{ json: {}, binary: { a: { data: a, mimeType: 'image/png', fileName: 'a.png' }, b: { data: b, mimeType: 'image/png', fileName: 'b.png' } } }];
		for (const provider of ['google', 'openRouter'] as const) {
			double.reset();
			const model = provider === 'google' ? 'gemini-3-pro-image' : 'google/gemini-3-pro-image';
			const result = await runNanoBanana(double, edit(provider, model, { imageProperties: 'a,b' }), { items, binaryMode: 'filesystem' });
			expect(result.error).toBeUndefined();
			const json = double.requests[0].json as Record<string, unknown>;
			const sent =
				provider === 'google'
					? partsOf(double.requests[0]).slice(1).map((p) => Buffer.from((p.inlineData as { data: string }).data, 'base64'))
					: ((json.messages as Array<{ content: Array<{ image_url?: { url: string } }> }>)[0].content.slice(1).map((p) => Buffer.from((p.image_url as { url: string }).url.split(',')[1], 'base64')));
			expect(sent.map((x) => x.length)).toEqual([a.length, b.length]);
			expect(sent[0].equals(a) && sent[1].equals(b)).toBe(true);
		}
	});

	test.each([
		['gemini-3.1-flash-image', '4:1', [2048, 512]],
		['gemini-3-pro-image', '21:9', [1536, 672]],
	] as const)('Match First Input Image on %s: a 4:1 photo gets %s', async (model, ratio, size) => {
		const result = await runNanoBanana(double, edit('google', model, { aspectRatio: 'matchInput' }), { items: [imageItem({ data: { width: 800, height: 200 } })] });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: ratio } });
		expect(result.items[0].json).toMatchObject({ aspectRatio: ratio, width: size[0], height: size[1] });
	});

	test('Match First Input Image on Generate is refused', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image', { aspectRatio: 'matchInput' }));
		expect(result.error?.message).toMatch(/Match First Input Image works for Edit only \[item 0\]/);
		expect(double.requests).toHaveLength(0);
	});

	test('an input too large to send inline goes through the Files API; the upload URL never gets the key', async () => {
		const big = bigPng(21 * 1024 * 1024, 3);
		const small = imageItem({ data: { width: 64, height: 64 } });
		const items: InputItem[] = [{ json: {}, binary: { big: { data: big, mimeType: 'image/png', fileName: 'big.png' }, data: (small.binary as NonNullable<InputItem['binary']>).data } }];
		const result = await runNanoBanana(double, edit('google', 'gemini-3-pro-image', { imageProperties: 'big, data', aspectRatio: '1:1' }), { items });
		expect(result.error).toBeUndefined();
		const paths = double.requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query.replace(/=.*$/, '=…')}` : ''}`);
		expect(paths).toEqual(['POST /upload/v1beta/files', 'POST /upload/v1beta/files?upload_id=…', 'POST /v1beta/models/gemini-3-pro-image:generateContent']);
		expect(double.requests[0].headers['x-goog-api-key']).toBe(double.apiKey);
		expect(double.requests[1].headers['x-goog-api-key']).toBeUndefined();
		expect(JSON.stringify(double.requests[1].headers)).not.toContain(double.apiKey);
		const [uploaded] = [...double.gemini.files.values()];
		expect(uploaded.bytes.equals(big)).toBe(true);
		const parts = partsOf(double.requests[2]);
		expect(parts[1]).toEqual({ fileData: { mimeType: 'image/png', fileUri: uploaded.uri } });
		expect(parts[2]).toHaveProperty('inlineData');
		expect(double.requests[2].rawBodyLength).toBeLessThan(1024 * 1024);
		expect(result.items).toHaveLength(1);
	});

	test('an upload still PROCESSING is waited for before the call', async () => {
		double.gemini.settings.processingPolls = 1;
		const big = bigPng(21 * 1024 * 1024, 4);
		const items: InputItem[] = [{ json: {}, binary: { data: { data: big, mimeType: 'image/png', fileName: 'big.png' } } }];
		const result = await runNanoBanana(double, edit('google', 'gemini-3-pro-image'), { items });
		expect(result.error).toBeUndefined();
		expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /upload/v1beta/files',
			'POST /upload/v1beta/files',
			expect.stringMatching(/^GET \/v1beta\/files\//),
			'POST /v1beta/models/gemini-3-pro-image:generateContent',
		]);
	});

	test('four images on Gemini 2.5 Flash Image are refused before any request', async () => {
		const item = imageItem({ a: { width: 8, height: 8 }, b: { width: 8, height: 8 }, c: { width: 8, height: 8 }, d: { width: 8, height: 8 } });
		const result = await runNanoBanana(double, edit('google', 'gemini-2.5-flash-image', { imageProperties: 'a,b,c,d' }), { items: [item] });
		expect(result.error?.message).toMatch(/names 4 images, but Google Gemini API \(AI Studio\) takes at most 3 for "gemini-2.5-flash-image"/);
		expect(double.requests).toHaveLength(0);
	});
});

describe('Google Gemini API: faults', () => {
	test('429 RESOURCE_EXHAUSTED with a RetryInfo delay is retried, and the image arrives', async () => {
		double.enqueue(googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' }]));
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image'));
		expect(result.error).toBeUndefined();
		expect(generateCalls()).toHaveLength(2);
		expect(result.items).toHaveLength(1);
	});

	test('503 UNAVAILABLE "The model is overloaded" is retried up to Max Retries, then named', async () => {
		const overloaded = () => googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
		double.enqueue(overloaded(), overloaded());
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image', { options: { maxRetries: 1 } }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Google Gemini API (AI Studio) answered 503: The model is overloaded. Please try again later. (UNAVAILABLE)');
		expect(result.error?.httpCode).toBe('503');
		expect(result.error?.description).toMatch(/Tried 2 times\./);
		expect(generateCalls()).toHaveLength(2);
	});

	test.each([
		['finishReason IMAGE_SAFETY', { candidates: [{ finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }] }, /made no image: IMAGE_SAFETY \(Unable to show the generated image\.\)$/],
		['promptFeedback.blockReason', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9 } }, /made no image: prompt blocked \(SAFETY\)$/],
		['finishReason NO_IMAGE', { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'NO_IMAGE' }] }, /made no image: NO_IMAGE$/],
	])('%s is a clear error, not retried', async (_name, body, message) => {
		double.enqueue({ status: 200, body });
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image'));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(message);
		expect(generateCalls()).toHaveLength(1);
	});

	test('a wrong key is Google\'s 400 API_KEY_INVALID, named, and the key appears nowhere', async () => {
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image'), { credential: { apiKey: 'wrong-key-123456' } });
		expect(result.error?.message).toBe('Google Gemini API (AI Studio) answered 400: API key not valid. Please pass a valid API key. (INVALID_ARGUMENT)');
		expect(serialiseDeep(result)).not.toContain('wrong-key-123456');
	});

	test('an image as a data URL in the text part is the image', async () => {
		const png = bigPng(2000, 9);
		double.enqueue({ status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ text: `Here: data:image/png;base64,${png.toString('base64')}` }] }, finishReason: 'STOP' }] } });
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary.data.bytes.equals(png)).toBe(true);
		expect(result.items[0].json.text).toBe('Here:');
	});

	test('one of three calls fails: the two images come out, with the failure in the warnings', async () => {
		double.enqueue({ ...googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') });
		const result = await runNanoBanana(double, params('google', 'gemini-2.5-flash-image', { options: { numberOfImages: 3 } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		const warnings = (result.items[0].json.warnings as string[]).join('\n');
		expect(warnings).toMatch(/One of the 3 requests brought no image: .*answered 400: Request contains an invalid argument/);
		expect(warnings).toMatch(/Asked for 3 images, the gateway returned 2\./);
	});
});

describe('OpenRouter', () => {
	test('generate: chat completions with modalities and image_config; 512 is spelled 0.5K', async () => {
		const result = await runNanoBanana(double, params('openRouter', 'google/gemini-3.1-flash-image', { aspectRatio: '9:16', resolution: '512' }));
		expect(result.error).toBeUndefined();
		const [request] = double.requests;
		expect(request.path).toBe('/v1/chat/completions');
		expect(request.headers.authorization).toBe(`Bearer ${double.apiKey}`);
		expect(request.headers['x-title']).toBe('n8n Nano Banana');
		expect(request.json).toEqual({
			model: 'google/gemini-3.1-flash-image',
			messages: [{ role: 'user', content: PROMPT }],
			modalities: ['image', 'text'],
			image_config: { aspect_ratio: '9:16', image_size: '0.5K' },
		});
		expect(result.items[0].json).toMatchObject({ provider: 'openRouter', width: 384, height: 672, text: 'Here is your image.', usage: { completion_tokens: 1290 } });
	});

	test('edit: the images travel as data URLs in one user message', async () => {
		const item = imageItem({ data: { width: 120, height: 160, format: 'jpeg' } });
		const result = await runNanoBanana(double, edit('openRouter', 'google/gemini-2.5-flash-image'), { items: [item] });
		expect(result.error).toBeUndefined();
		const content = (double.requests[0].json?.messages as Array<{ content: Array<Record<string, unknown>> }>)[0].content;
		expect(content[0]).toEqual({ type: 'text', text: PROMPT });
		const url = (content[1].image_url as { url: string }).url;
		expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
		expect(Buffer.from(url.split(',')[1], 'base64').equals((item.binary as NonNullable<InputItem['binary']>).data.data)).toBe(true);
		expect(result.items[0].json).toMatchObject({ width: 864, height: 1184 });
	});

	test('402 (no credits left) is named with its status, not retried', async () => {
		double.enqueue({ status: 402, body: { error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits' } } });
		const result = await runNanoBanana(double, params('openRouter', 'google/gemini-2.5-flash-image'));
		expect(result.error?.message).toBe('OpenRouter answered 402: Insufficient credits. Add more using https://openrouter.ai/settings/credits');
		expect(result.error?.httpCode).toBe('402');
		expect(double.requests).toHaveLength(1);
	});

	test('a content_filter finish is a block, not retried', async () => {
		double.enqueue({ status: 200, body: { choices: [{ message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', native_finish_reason: 'IMAGE_SAFETY' }] } });
		const result = await runNanoBanana(double, params('openRouter', 'google/gemini-2.5-flash-image'));
		expect(result.error?.message).toBe('OpenRouter made no image: IMAGE_SAFETY (content_filter)');
		expect(double.requests).toHaveLength(1);
	});
});

describe('chat completions on an OpenAI-compatible gateway', () => {
	const chat = { endpoint: 'chatCompletions' };

	test.each(['images', 'contentParts', 'dataUrlText', 'markdownLink'] as const)('the image answered as %s is the image', async (shape) => {
		double.settings.chatAnswer = shape;
		const result = await runNanoBanana(double, params('openAiCompatible', 'gemini-3-pro-image', { aspectRatio: '4:3', resolution: '1K' }), { credential: chat });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].path).toBe('/v1/chat/completions');
		expect(double.requests[0].json?.image_config).toEqual({ aspect_ratio: '4:3', image_size: '1K' });
		expect(result.items).toHaveLength(1);
		expect(readImageSize(result.items[0].binary.data.bytes)).toMatchObject({ width: 1184, height: 864 });
		expect(double.downloads).toHaveLength(shape === 'markdownLink' ? 1 : 0);
		for (const d of double.downloads) expect(d.headers.authorization).toBeUndefined();
		expectNoKeyIn(result.items);
	});

	test('the gateway\'s Nano Banana 2 takes 512 under Google\'s own name', async () => {
		const result = await runNanoBanana(double, params('openAiCompatible', 'gemini-3.1-flash-image', { resolution: '512' }), { credential: chat });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.image_config).toEqual({ image_size: '512' });
		expect(result.items[0].json).toMatchObject({ width: 512, height: 512 });
	});

	test('a mask is reported as not sent: Gemini takes none on this route', async () => {
		const item = imageItem({ data: { width: 64, height: 64 }, mask: { width: 64, height: 64 } });
		const result = await runNanoBanana(double, edit('openAiCompatible', 'gemini-3-pro-image', { maskProperty: 'mask' }), { items: [item], credential: chat });
		expect(result.error).toBeUndefined();
		const content = (double.requests[0].json?.messages as Array<{ content: unknown[] }>)[0].content;
		expect(content).toHaveLength(2);
		expect(result.items[0].json.warnings).toEqual(['The mask was not sent: OpenAI-Compatible Image Gateway takes no mask for Gemini models. Describe in the prompt what to change.']);
	});

	test('a response format is reported as not sent', async () => {
		const result = await runNanoBanana(double, params('openAiCompatible', 'nano-banana', { options: { responseFormat: 'url' } }), { credential: chat });
		expect(result.error).toBeUndefined();
		const warnings = result.items[0].json.warnings as string[];
		expect(warnings).toEqual(['Response format "url" was not sent: OpenAI-Compatible Image Gateway always sends the image inside the answer.']);
	});
});
