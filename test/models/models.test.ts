/**
 * Models as data (issue 18), through n8n-core's real workflow execution against a provider double
 * that serves today's Google and OpenRouter model lists: the version 2 defaults and the kept
 * version 1 ones, retired IDs sent as their replacements, IDs the catalogue does not know, the
 * limits of known models, and the cost estimate.
 */
import type { INodeParameters } from 'n8n-workflow';

import { readImageSize } from '../double/images';
import type { ProviderDouble } from '../double/providerDouble';
import { startProviderDouble } from '../double/providerDouble';
import type { ProviderId } from '../helpers/nanoBanana';
import { imageItem, runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();
const PROMPT = 'A flat-lay photo of a linen tote bag';

const generate = (provider: ProviderId, extra: Record<string, unknown> = {}): INodeParameters => ({ provider, operation: 'generate', prompt: PROMPT, ...extra });
const sentModels = (d: ProviderDouble = double) =>
	d.requests.filter((r) => r.path.endsWith(':generateContent') || r.path === '/v1/chat/completions').map((r) => (r.path.endsWith(':generateContent') ? decodeURIComponent(r.path.split('/')[3].split(':')[0]) : String(r.json?.model)));
const warningsOf = (json: Record<string, unknown>) => ((json.warnings as string[] | undefined) ?? []).join('\n');

describe('defaults: version 2 starts at Nano Banana 2.1, version 1 keeps its model', () => {
	test.each([
		['google', 2, 'gemini-nano-banana-2.1'],
		['google', 1, 'gemini-2.5-flash-image'],
		['openRouter', 2, 'google/gemini-nano-banana-2.1'],
		['openRouter', 1, 'google/gemini-2.5-flash-image'],
		['gptGe', 2, 'nano-banana'],
		['gptGe', 1, 'nano-banana'],
	] as const)('%s, node version %d, no model saved: %s is sent', async (provider, typeVersion, model) => {
		const result = await runNanoBanana(double, generate(provider, provider === 'gptGe' ? { options: { responseFormat: 'b64_json' } } : {}), { typeVersion });
		expect(result.error).toBeUndefined();
		expect(sentModels()).toEqual(provider === 'gptGe' ? [] : [model]);
		if (provider === 'gptGe') expect(double.requests[0].json?.model).toBe(model);
		expect(result.items[0].json.model).toBe(model);
		expect(result.items[0].json.warnings).toBeUndefined();
	});
});

describe('saved workflows that name a model Google shut down keep running', () => {
	test.each([
		['google', 1, 'gemini-3-pro-image-preview', 'gemini-3-pro-image'],
		['google', 2, 'gemini-3.1-flash-image-preview', 'gemini-3.1-flash-image'],
		['openRouter', 1, 'google/gemini-3-pro-image-preview', 'google/gemini-3-pro-image'],
		['openRouter', 2, 'google/gemini-3.1-flash-image-preview', 'google/gemini-3.1-flash-image'],
	] as const)('%s v%d: %s is sent as %s, one request, and the warning names both', async (provider, typeVersion, saved, sent) => {
		const result = await runNanoBanana(double, generate(provider, { model: saved, aspectRatio: '16:9' }), { typeVersion });
		expect(result.error).toBeUndefined();
		expect(sentModels()).toEqual([sent]);
		expect(result.items[0].json.model).toBe(sent);
		expect(warningsOf(result.items[0].json)).toBe(`${saved} was shut down by Google on 2026-06-25; sent ${sent}`);
	});

	test('without the replacement, Google really answers 404 NOT_FOUND for the preview ID (the double is not lenient)', async () => {
		const answer = await fetch(`${double.baseUrlFor('google')}/v1beta/models/gemini-3-pro-image-preview:generateContent`, {
			method: 'POST',
			headers: { 'x-goog-api-key': double.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }),
		});
		expect(answer.status).toBe(404);
		expect(await answer.json()).toEqual({
			error: {
				code: 404,
				status: 'NOT_FOUND',
				message: 'models/gemini-3-pro-image-preview is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
			},
		});
	});

	test("a gateway's chat endpoint that names a Google ID gets the replacement; its images endpoint and the seed gateways send IDs unchanged", async () => {
		const chat = await runNanoBanana(double, generate('openAiCompatible', { model: 'gemini-3-pro-image-preview' }), { credential: { endpoint: 'chatCompletions' } });
		expect(chat.error).toBeUndefined();
		expect(double.requests.at(-1)?.json?.model).toBe('gemini-3-pro-image');
		expect(warningsOf(chat.items[0].json)).toMatch(/gemini-3-pro-image-preview was shut down by Google on 2026-06-25; sent gemini-3-pro-image/);
		for (const provider of ['openAiCompatible', 'tuZi', 'gptGe'] as const) {
			double.reset();
			const images = await runNanoBanana(double, generate(provider, { model: 'gemini-3-pro-image-preview', options: { responseFormat: 'b64_json' } }));
			expect(images.error).toBeUndefined();
			expect(double.requests.at(-1)?.json?.model).toBe('gemini-3-pro-image-preview');
			expect(images.items[0].json.warnings).toBeUndefined();
		}
	});
});

describe('a deprecated model that Google has since retired', () => {
	// A double of its own: the node remembers per base URL which models answered "not found".
	let own: ProviderDouble;
	beforeEach(async () => {
		own = await startProviderDouble();
	});
	afterEach(async () => await own.close());

	test('is served as it is while Google serves it: no warning, no extra request', async () => {
		const result = await runNanoBanana(own, generate('google', { model: 'gemini-2.5-flash-image' }));
		expect(result.error).toBeUndefined();
		expect(sentModels(own)).toEqual(['gemini-2.5-flash-image']);
		expect(result.items[0].json.warnings).toBeUndefined();
	});

	test('answers 404: one more request with its replacement, and later items go straight to it', async () => {
		own.gemini.settings.retired = ['gemini-2.5-flash-image'];
		const items = [{ json: {} }];
		const first = await runNanoBanana(own, generate('google', { model: 'gemini-2.5-flash-image' }), { items, typeVersion: 1 });
		expect(first.error).toBeUndefined();
		expect(sentModels(own)).toEqual(['gemini-2.5-flash-image', 'gemini-3.1-flash-image']);
		expect(first.items[0].json.model).toBe('gemini-3.1-flash-image');
		expect(warningsOf(first.items[0].json)).toMatch(/^gemini-2\.5-flash-image is no longer served: the provider answered that the model is not found \(Nano Banana is deprecated, shutdown announced for 2026-10-02\); sent gemini-3\.1-flash-image$/);
		own.reset();
		own.gemini.settings.retired = ['gemini-2.5-flash-image'];
		const later = await runNanoBanana(own, generate('google', { model: 'gemini-2.5-flash-image' }), { typeVersion: 1 });
		expect(later.error).toBeUndefined();
		expect(sentModels(own)).toEqual(['gemini-3.1-flash-image']);
	});

	test('replacements chain to a model that is served: 2.5 Flash -> 3.1 Flash Image -> 2.1', async () => {
		own.gemini.settings.retired = ['gemini-2.5-flash-image', 'gemini-3.1-flash-image'];
		const result = await runNanoBanana(own, generate('google', { model: 'gemini-2.5-flash-image', aspectRatio: '8:1' }), { typeVersion: 1 });
		// 2.5 Flash does not take 8:1: refused before any request, as a user would want to know.
		expect(result.error?.message).toMatch(/"Aspect Ratio" 8:1 is not offered by Nano Banana \("gemini-2\.5-flash-image"\) \[item 0\]/);
		expect(own.requests).toHaveLength(0);
		const chained = await runNanoBanana(own, generate('google', { model: 'gemini-2.5-flash-image' }), { typeVersion: 1 });
		expect(chained.error).toBeUndefined();
		expect(sentModels(own)).toEqual(['gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'gemini-nano-banana-2.1']);
		expect(chained.items[0].json.model).toBe('gemini-nano-banana-2.1');
		expect((chained.items[0].json.warnings as string[]).length).toBe(2);
	});

	test('a replacement that cannot take the settings is refused before its request, naming the model', async () => {
		own.gemini.settings.retired = ['gemini-3.1-flash-image'];
		const result = await runNanoBanana(own, generate('google', { model: 'gemini-3.1-flash-image', resolution: '512' }));
		expect(sentModels(own)).toEqual(['gemini-3.1-flash-image']);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/"Resolution" 512 is not offered by Nano Banana 2\.1 \("gemini-nano-banana-2\.1"\) \[item 0\]/);
	});
});

describe('IDs the catalogue does not know', () => {
	test('unconfirmed limits get no pre-check either: Lite\'s ratios are sent as asked, and Google\'s own 400 shows', async () => {
		const result = await runNanoBanana(double, generate('google', { model: 'gemini-3.1-flash-lite-image', aspectRatio: '8:1' }));
		// Lite's ratios are unconfirmed: sent, and the double (as Google) refuses it.
		expect(sentModels()).toEqual(['gemini-3.1-flash-lite-image']);
		expect(double.requests[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '8:1' } });
		expect(result.error?.message).toMatch(/answered 400: Unsupported aspect ratio "8:1"/);
	});

	test('a model released after this release is sent as asked, with 512 and 8:1', async () => {
		const result = await runNanoBanana(double, generate('google', { model: 'gemini-4-flash-image', aspectRatio: '8:1', resolution: '512' }));
		expect(double.requests[0].path).toBe('/v1beta/models/gemini-4-flash-image:generateContent');
		expect(double.requests[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '8:1', imageSize: '512' } });
		// The double does not serve it: one request, no retry, then the model list for the error.
		expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1beta/models/gemini-4-flash-image:generateContent', 'GET /v1beta/models']);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/^Google Gemini API \(AI Studio\) has no model "gemini-4-flash-image": models\/gemini-4-flash-image is not found/);
		const description = String((result.error as unknown as { description?: string }).description);
		expect(description).toMatch(/The image models this key can use: gemini-2\.5-flash-image, gemini-3-pro-image, gemini-3\.1-flash-image, gemini-nano-banana-2\.1, gemini-3\.1-flash-lite-image\./);
		expect(description).not.toContain('imagen');
	});

	test('on OpenRouter the 400 "not a valid model ID" is the same named error, with its image models', async () => {
		const result = await runNanoBanana(double, generate('openRouter', { model: 'google/gemini-9-image' }));
		expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions', 'GET /v1/models']);
		expect(result.error?.message).toMatch(/^OpenRouter has no model "google\/gemini-9-image": google\/gemini-9-image is not a valid model ID/);
		expect(String((result.error as unknown as { description?: string }).description)).toContain('google/gemini-nano-banana-2.1');
	});
});

describe('settings a known model cannot take', () => {
	test('2.1 takes 8:1 (no "needs Gemini 3.1 Flash Image" refusal) and makes a 3072 x 384 picture', async () => {
		const result = await runNanoBanana(double, generate('google', { aspectRatio: '8:1' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ model: 'gemini-nano-banana-2.1', width: 3072, height: 384 });
	});

	test.each([
		['2.1 and 512', 'gemini-nano-banana-2.1', { resolution: '512' }, /"Resolution" 512 is not offered by Nano Banana 2\.1 \("gemini-nano-banana-2\.1"\) \[item 0\]/, /It makes 1K, 2K, 4K\. 512 needs Nano Banana 2\./],
		['3 Pro and 1:8', 'gemini-3-pro-image', { aspectRatio: '1:8' }, /"Aspect Ratio" 1:8 is not offered by Nano Banana Pro/, /1:8 needs Nano Banana 2\.1 or Nano Banana 2\./],
	])('%s: refused before any request, naming what the model takes', async (_name, model, extra, message, hint) => {
		const result = await runNanoBanana(double, generate('google', { model, ...extra }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(String((result.error as unknown as { description?: string }).description)).toMatch(hint);
		expect(double.requests).toHaveLength(0);
	});

	test.each(['google', 'openRouter'] as const)('%s: 2K on 1K-only Lite is not sent; the image comes back at 1K with a warning', async (provider) => {
		const model = provider === 'google' ? 'gemini-3.1-flash-lite-image' : 'google/gemini-3.1-flash-lite-image';
		const result = await runNanoBanana(double, generate(provider, { model, resolution: '2K' }));
		expect(result.error).toBeUndefined();
		const body = double.requests[0].json as Record<string, unknown>;
		expect(JSON.stringify(body)).not.toMatch(/2K|image_?[sS]ize/);
		expect(result.items[0].json).toMatchObject({ width: 1024, height: 1024 });
		expect(warningsOf(result.items[0].json)).toMatch(/Resolution 2K was not sent: "[^"]*gemini-3\.1-flash-lite-image" makes 1K images only/);
	});

	test('Match First Input Image on 2.1 picks 4:1 for a 4:1 picture', async () => {
		const result = await runNanoBanana(double, { ...generate('google'), operation: 'edit', aspectRatio: 'matchInput' }, { items: [imageItem({ data: { width: 800, height: 200 } })] });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '4:1' } });
		expect(readImageSize(result.items[0].binary.data.bytes)).toMatchObject({ width: 2048, height: 512 });
	});
});

describe('cost, as an estimate', () => {
	test.each([
		['2.5 Flash, priced by its 1290 image tokens at $30 per million', 'gemini-2.5-flash-image', {}, { usd: 0.0387, basis: 'imageTokens', priced: '2026-12-03' }],
		['Pro at 4K, 2000 tokens at $120 per million', 'gemini-3-pro-image', { resolution: '4K' }, { usd: 0.24, basis: 'imageTokens', priced: '2026-12-03' }],
		['2.1 at 1K, by its list price per image', 'gemini-nano-banana-2.1', {}, { usd: 0.034, basis: 'perImage', priced: '2026-12-03' }],
		['2.1 at 4K, by its list price per image', 'gemini-nano-banana-2.1', { resolution: '4K' }, { usd: 0.113, basis: 'perImage', priced: '2026-12-03' }],
	])('Google: %s', async (_name, model, extra, cost) => {
		const result = await runNanoBanana(double, generate('google', { model, ...extra }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.cost).toEqual(cost);
	});

	test('no price in the catalogue (2.1 at 2K, Lite): no cost, never a guess', async () => {
		for (const [model, extra] of [['gemini-nano-banana-2.1', { resolution: '2K' }], ['gemini-3.1-flash-lite-image', {}]] as const) {
			const result = await runNanoBanana(double, generate('google', { model, ...extra }));
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).not.toHaveProperty('cost');
		}
	});

	test("OpenRouter: the cost OpenRouter reports; a gateway's: none", async () => {
		const routed = await runNanoBanana(double, generate('openRouter'));
		expect(routed.items[0].json.cost).toMatchObject({ usd: 0.0387, basis: 'reported' });
		const gateway = await runNanoBanana(double, generate('openAiCompatible', { model: 'gemini-nano-banana-2.1' }), { credential: { endpoint: 'chatCompletions' } });
		expect(gateway.error).toBeUndefined();
		expect(gateway.items[0].json).not.toHaveProperty('cost');
	});
});
