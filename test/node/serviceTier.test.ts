/**
 * The Service Tier option on Google's Gemini API, through n8n-core's real workflow execution
 * against the provider double: the tier goes out as the top-level `serviceTier` field, the tier
 * Google reports in `x-gemini-service-tier` is the item's `json.serviceTier`, `json.cost` is priced
 * at it (Flex half of Standard, Priority none: no one published price), a downgrade and a missing
 * header are warnings, a Flex call waits at least 15 minutes and first backs off 30 s, and a refused
 * tier is an error that names it.
 */
import type { INodeParameters } from 'n8n-workflow';

import { SERVICE_TIERS } from '../../nodes/NanoBanana/models/catalogue';
import { backoffDelay } from '../../nodes/NanoBanana/transport/retryPolicy';
import { runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const PROMPT = 'A product photo of a yellow ceramic mug';
const generate = (options: INodeParameters = {}, extra: INodeParameters = {}): INodeParameters => ({
	provider: 'google',
	operation: 'generate',
	model: 'gemini-3-pro-image',
	prompt: PROMPT,
	options,
	...extra,
});
const calls = () => double.requests.filter((r) => r.path.endsWith(':generateContent'));

describe('Service Tier on the Gemini API', () => {
	test('Standard (the default) sends no tier field; the item says Google served it on standard, priced at the list price', async () => {
		const result = await runNanoBanana(double, generate());
		expect(result.error).toBeUndefined();
		expect(calls()[0].json).not.toHaveProperty('serviceTier');
		const [item] = result.items;
		expect(item.json.serviceTier).toBe('standard');
		expect(item.json.cost).toEqual({ usd: 0.1344, basis: 'imageTokens', priced: '2026-12-03' });
		expect(item.json.warnings).toBeUndefined();
	});

	test('Flex goes as serviceTier "flex" and costs half of the same image on Standard', async () => {
		const standard = await runNanoBanana(double, generate());
		const flex = await runNanoBanana(double, generate({ serviceTier: 'flex' }));
		expect(flex.error).toBeUndefined();
		expect(calls()[1].json).toMatchObject({ serviceTier: 'flex' });
		const [item] = flex.items;
		expect(item.json.serviceTier).toBe('flex');
		const ratio = (item.json.cost as { usd: number }).usd / (standard.items[0].json.cost as { usd: number }).usd;
		expect(ratio).toBe(0.5);
		expect(item.json.cost).toMatchObject({ priceFactor: 0.5 });
		expect(item.json.warnings).toBeUndefined();
	});

	test('Priority: no cost (Google publishes no single figure), and a warning that says so', async () => {
		const result = await runNanoBanana(double, generate({ serviceTier: 'priority' }));
		expect(result.error).toBeUndefined();
		expect(calls()[0].json).toMatchObject({ serviceTier: 'priority' });
		const [item] = result.items;
		expect(item.json.serviceTier).toBe('priority');
		expect(item.json.cost).toBeUndefined();
		expect(item.json.warnings).toEqual([expect.stringContaining('Priority tier costs 75 to 100% over the list price')]);
	});

	test('a Priority call Google served on Standard is priced at Standard, with a warning naming both', async () => {
		double.gemini.settings.servedTier = 'standard';
		const result = await runNanoBanana(double, generate({ serviceTier: 'priority' }));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json.serviceTier).toBe('standard');
		expect(item.json.cost).toMatchObject({ usd: 0.1344 });
		expect(item.json.warnings).toEqual(['Asked for the Priority tier; Google served the call on Standard, and cost is priced at Standard.']);
	});

	test('without the x-gemini-service-tier header the item assumes the tier asked for, and says so', async () => {
		double.gemini.settings.tierHeader = false;
		const result = await runNanoBanana(double, generate({ serviceTier: 'flex' }));
		const [item] = result.items;
		expect(item.json.serviceTier).toBe('flex');
		expect(item.json.cost).toMatchObject({ usd: 0.0672 });
		expect(item.json.warnings).toEqual([expect.stringContaining('did not say which tier served it')]);
	});

	test('a tier the model or key refuses is an error naming the tier and the model, not retried', async () => {
		double.gemini.settings.refusedTiers = ['flex'];
		const result = await runNanoBanana(double, generate({ serviceTier: 'flex' }));
		expect(result.error?.message).toMatch(/^Google refused the Flex service tier for gemini-3-pro-image: Service tier flex is not supported/);
		expect(result.error?.description).toContain('Service Tier to Standard');
		expect(result.error?.httpCode).toBe('400');
		expect(calls()).toHaveLength(1);
	});

	test('Continue On Fail: the refused tier is the item\'s error item, with its httpCode', async () => {
		double.gemini.settings.refusedTiers = ['priority'];
		const result = await runNanoBanana(double, generate({ serviceTier: 'priority' }), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ error: expect.stringContaining('refused the Priority service tier'), httpCode: '400' });
	});

	test('a shed Flex call (503) is retried like any busy gateway', async () => {
		double.enqueue({ status: 503, body: { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }, headers: { 'retry-after': '0' } });
		const result = await runNanoBanana(double, generate({ serviceTier: 'flex' }));
		expect(result.error).toBeUndefined();
		expect(calls()).toHaveLength(2);
		expect(result.items[0].json.serviceTier).toBe('flex');
	});

	test('Flex waits at least 15 minutes for an answer: a Timeout of 1 s, which ends a Standard call, does not end a Flex one', async () => {
		double.settings.latencyMs = 1500;
		const standard = await runNanoBanana(double, generate({ timeout: 1, maxRetries: 0 }));
		expect(standard.error?.message).toMatch(/did not answer within 1 s/);
		const flex = await runNanoBanana(double, generate({ serviceTier: 'flex', timeout: 1, maxRetries: 0 }));
		expect(flex.error).toBeUndefined();
		expect(flex.items[0].json.serviceTier).toBe('flex');
		expect(SERVICE_TIERS.flex.minTimeoutSeconds).toBe(900);
	});

	test("Flex's first backoff is 30 to 60 s, then doubles up to 8 minutes; other calls start at 0.5 to 1 s", () => {
		const first = SERVICE_TIERS.flex.firstBackoffMs as number;
		expect([backoffDelay(0, () => 0, first), backoffDelay(0, () => 0.999999, first)]).toEqual([30_000, 60_000]);
		expect(backoffDelay(1, () => 0.999999, first)).toBe(120_000);
		expect(backoffDelay(5, () => 0.999999, first)).toBe(480_000);
		expect(backoffDelay(0, () => 0.999999)).toBe(1_000);
	});

	test('Vertex AI shows no Service Tier (its tier is a header): a value left in the workflow never reaches its body', async () => {
		const result = await runNanoBanana(double, { provider: 'vertexAi', operation: 'generate', prompt: PROMPT, options: { serviceTier: 'flex' } });
		expect(result.error).toBeUndefined();
		const call = double.requests.find((r) => r.path.includes('/publishers/google/models/'));
		expect(call?.json).not.toHaveProperty('serviceTier');
		expect(result.items[0].json.serviceTier).toBeUndefined();
	});
});
