/**
 * Issue #5: items run side by side with a cap on requests in flight, and everything a user
 * sees stays as with one item at a time. Observed on the wire: a counting pass-through
 * (./gatewayProbe) sits between the node and the provider double.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ProviderDouble, RecordedRequest, ScriptedResponse } from '../double/providerDouble';
import { canned, startProviderDouble } from '../double/providerDouble';
import type { RunResult } from '../helpers/n8n';
import { shutdownN8n } from '../helpers/n8n';
import { runNanoBanana } from '../helpers/nanoBanana';
import { promptItems, smallGenerate } from './batch';
import type { GatewayProbe } from './gatewayProbe';
import { startGatewayProbe } from './gatewayProbe';

let double: ProviderDouble;
let probe: GatewayProbe;

beforeAll(async () => {
	double = await startProviderDouble();
	probe = await startGatewayProbe(double);
});
beforeEach(() => {
	double.reset();
	// Small base64 answers: the double's work stays negligible next to the latencies scripted here.
	double.settings.answer = 'b64_json';
	probe.reset();
});
afterAll(async () => {
	await probe.close();
	await double.close();
	await shutdownN8n();
});

async function run(count: number, options: IDataObject = {}, continueOnFail = false, typeVersion?: number, credentialId?: string): Promise<RunResult> {
	return await runNanoBanana(double, smallGenerate(options), {
		items: promptItems(count),
		continueOnFail,
		credential: { baseUrl: probe.baseUrlFor('openai') },
		typeVersion,
		credentialId,
	});
}

/** Concurrency Auto learns per credential in the process: each test here has a credential of its own. */
let autoCredentials = 0;
const freshCredential = () => `cred-auto-${++autoCredentials}`;

const promptOf = (r: RecordedRequest) => r.json?.prompt;

/** A scripted answer for the first request with this prompt (delay, status ...). */
const forPrompt = (prompt: string, answer: Omit<ScriptedResponse, 'match'>): ScriptedResponse => ({
	...answer,
	match: (r) => promptOf(r) === prompt,
});

const errorBody = (message: string) => ({ error: { message, type: 'invalid_request_error', param: null, code: 'bad_prompt' } });

describe('requests in flight', () => {
	test.each([
		{ items: 12, concurrency: 4, latencyMs: 250 },
		{ items: 4, concurrency: 1, latencyMs: 100 },
		{ items: 5, concurrency: 20, latencyMs: 250 },
	])('$items items, concurrency $concurrency: the gateway sees at most $concurrency at once, and that many', async (c) => {
		double.settings.latencyMs = c.latencyMs;
		const result = await run(c.items, { concurrency: c.concurrency });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(c.items);
		expect(probe.requests).toHaveLength(c.items);
		expect(probe.peak).toBe(Math.min(c.concurrency, c.items));
	});

	test.each([1, 2])('version %i without the option: 3 at once, as saved workflows had it', async (typeVersion) => {
		double.settings.latencyMs = 250;
		const result = await run(7, {}, false, typeVersion);
		expect(result.error).toBeUndefined();
		expect(probe.peak).toBe(3);
	});

	test('version 3 without the option (Auto): 4 at first, more once a wave comes back clean, never more than the batch', async () => {
		double.settings.latencyMs = 250;
		const result = await run(24, {}, false, undefined, freshCredential());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(24);
		// Waves of 4, 8, then the 12 left: a fixed 3 would never pass 3.
		expect(probe.peak).toBeGreaterThanOrEqual(8);
		expect(probe.peak).toBeLessThanOrEqual(24);
		// The first wave is 4: the fifth request starts only once one of them has been answered.
		const posts = probe.requests.filter((r) => r.method === 'POST');
		expect(posts.slice(0, 4).every((r) => r.openOnArrival <= 4)).toBe(true);
		expect(posts[4].arrivedAt - posts[0].arrivedAt).toBeGreaterThanOrEqual(200);
	});

	test('version 3 (Auto) against a gateway that takes 6 in flight: every image, and fewer 429s than twice the limit', async () => {
		double.settings.latencyMs = 150;
		double.settings.maxInFlight = 6;
		double.settings.limitRetryAfter = 0;
		const result = await run(24, {}, false, undefined, freshCredential());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(24);
		// 4, then 8: the gateway takes 6 of them, and Auto stays at 6 from then on.
		expect(double.limit.rejected).toBe(2);
		expect(double.limit.peak).toBe(6);
	});

	test("version 3 (Auto): the 429 that answers the slow start's probe does not pause the batch for its Retry-After", async () => {
		double.settings.latencyMs = 300;
		double.settings.maxInFlight = 6;
		double.settings.limitRetryAfter = 2;
		const result = await run(24, {}, false, undefined, freshCredential());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(24);
		const posts = probe.requests.filter((r) => r.method === 'POST');
		const first429 = posts.find((r) => r.status === 429);
		expect(first429).toBeDefined();
		// The six the gateway took are answered 300 ms later, and their slots go to the next items
		// at once, well inside the 2 s the gateway asked the turned-away requests to wait.
		const next = posts.filter((r) => r.arrivedAt > (first429 as { arrivedAt: number }).arrivedAt + 200 && r.status === 200);
		expect(next.length).toBeGreaterThan(0);
		expect(next[0].arrivedAt - (first429 as { arrivedAt: number }).arrivedAt).toBeLessThan(1000);
		// The requests turned away waited what the gateway asked before they went again.
		expect(double.limit.rejected).toBe(2);
	});

	test('version 3 (Auto): the next execution on the same credential starts where the last one ended', async () => {
		double.settings.latencyMs = 200;
		const credentialId = freshCredential();
		await run(24, {}, false, undefined, credentialId);
		probe.reset();
		const second = await run(24, {}, false, undefined, credentialId);
		expect(second.error).toBeUndefined();
		// The first execution ended at 16 (4, 8, then the 12 left at 16): the second starts there,
		// 16 at once, not 4, and grows on from it.
		const posts = probe.requests.filter((r) => r.method === 'POST');
		expect(posts[15].openOnArrival).toBe(16);
		expect(posts[15].arrivedAt - posts[0].arrivedAt).toBeLessThan(150);
		expect(probe.peak).toBeGreaterThanOrEqual(16);
		// Another credential (another gateway, another account) starts at 4 again.
		probe.reset();
		await run(24, {}, false, undefined, freshCredential());
		expect(probe.requests.filter((r) => r.method === 'POST').slice(0, 4).every((r) => r.openOnArrival <= 4)).toBe(true);
		expect(probe.peak).toBeLessThan(24);
	});

	test('the cap is for the whole execution, also with several requests per item (gateway without n)', async () => {
		// TheTurbo's dialect has no `n`: two images are two requests, both through the same gate.
		double.settings.latencyMs = 200;
		const result = await runNanoBanana(
			double,
			{
				provider: 'theTurbo',
				operation: 'generate',
				model: 'gemini-2.5-flash-image',
				prompt: '={{ $json.p }}',
				aspectRatio: '1:1',
				options: { concurrency: 3, numberOfImages: 2 },
			},
			{ items: promptItems(4), credential: { baseUrl: probe.baseUrlFor('theTurbo') } },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(8);
		expect(probe.requests).toHaveLength(8);
		expect(probe.peak).toBe(3);
	});
});

describe('order and pairedItem', () => {
	test('identical to concurrency 1 when later items finish first', async () => {
		const count = 6;
		// Item 0 is the slowest, item 5 the fastest; two images per item.
		const script = () =>
			double.enqueue(...Array.from({ length: count }, (_, i) => forPrompt(`p${i}`, { delayMs: (count - i) * 40 })));
		const view = (r: RunResult) => r.items.map((item) => ({ prompt: item.json.prompt, index: item.json.index, pairedItem: item.pairedItem }));

		script();
		const one = await run(count, { concurrency: 1, numberOfImages: 2 });
		expect(one.error).toBeUndefined();
		expect(probe.peak).toBe(1);

		double.reset();
		double.settings.answer = 'b64_json';
		probe.reset();
		script();
		const many = await run(count, { concurrency: 6, numberOfImages: 2 });
		expect(many.error).toBeUndefined();
		expect(probe.peak).toBe(6);
		// The later items really did come back first.
		const answered = [...probe.requests].sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0));
		expect(answered[0].seq).not.toBe(0);

		expect(view(many)).toEqual(view(one));
		expect(view(many)).toEqual(
			Array.from({ length: count * 2 }, (_, k) => ({ prompt: `p${k >> 1}`, index: k & 1, pairedItem: { item: k >> 1 } })),
		);
	});
});

describe('Continue On Fail under concurrency', () => {
	// Item 2 fails late (slow answer), item 5 fails early; the others are quick.
	const script = () =>
		double.enqueue(
			forPrompt('p2', { delayMs: 300, status: 400, body: errorBody('item two is broken') }),
			forPrompt('p5', { status: 400, body: errorBody('item five is broken') }),
			...[0, 1, 3, 4, 6, 7].map((i) => forPrompt(`p${i}`, { delayMs: 50 })),
		);

	test('failing items stay in place, the others keep their order', async () => {
		script();
		const result = await run(8, { concurrency: 3 }, true);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(8);
		result.items.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		expect(result.items[2].json.error).toMatch(/item two is broken/);
		expect(result.items[5].json.error).toMatch(/item five is broken/);
		for (const i of [0, 1, 3, 4, 6, 7]) {
			expect(result.items[i].json.error).toBeUndefined();
			expect(result.items[i].json.prompt).toBe(`p${i}`);
			expect(result.items[i].binary.data).toBeDefined();
		}
	});

	test('without it, the lowest failing item stops the node, even when a later one failed first', async () => {
		script();
		const result = await run(8, { concurrency: 3 });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/item two is broken/);
		expect((result.error?.context as IDataObject | undefined)?.itemIndex).toBe(2);
		// Item 5 did fail first: sent after item 2, its 400 came back before item 2's.
		const failed = probe.requests.filter((r) => r.status === 400);
		expect(failed).toHaveLength(2);
		expect(failed[1].answeredAt).toBeLessThan(failed[0].answeredAt as number);
		// Item 7 was waiting for a slot when item 5 failed: it was never sent.
		expect(double.requests.map(promptOf)).not.toContain('p7');
	});

	test('without it, no later item starts a request once an item has failed', async () => {
		// Concurrency 2: p0 is slow, p1 fails while p2 and p3 wait for a slot.
		double.enqueue(forPrompt('p0', { delayMs: 400 }), forPrompt('p1', { delayMs: 100, status: 400, body: errorBody('item one is broken') }));
		const result = await run(6, { concurrency: 2 });
		expect(result.error?.message).toMatch(/item one is broken/);
		expect(double.requests.map(promptOf)).toEqual(['p0', 'p1']);
		// p0, already in flight, was not cut off.
		expect(probe.requests.map((r) => r.status).sort()).toEqual([200, 400]);
	});
});

describe('retries and 429', () => {
	test('retries count against the cap', async () => {
		double.settings.latencyMs = 80;
		// The first four attempts fail with a retryable 503 (Retry-After 0: straight back in the queue).
		double.enqueue(...Array.from({ length: 4 }, () => canned.saturated(503, 0)));
		const result = await run(6, { concurrency: 2 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
		expect(probe.requests).toHaveLength(10);
		expect(probe.requests.filter((r) => r.status === 503)).toHaveLength(4);
		expect(probe.peak).toBe(2);
		expect(Math.max(...probe.requests.map((r) => r.openOnArrival))).toBeLessThanOrEqual(2);
	});

	test('a 429 with Retry-After pauses the whole batch', async () => {
		const retryAfterS = 1;
		// p0 is told 429 quickly; p1 and p2 (already in flight) take longer, so their workers are
		// free again while the pause is on.
		double.enqueue(
			forPrompt('p0', { ...canned.saturated(429, retryAfterS), delayMs: 50 }),
			forPrompt('p1', { delayMs: 200 }),
			forPrompt('p2', { delayMs: 200 }),
		);
		const result = await run(6, { concurrency: 3 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);

		const tooMany = probe.requests.filter((r) => r.status === 429);
		expect(tooMany).toHaveLength(1);
		const t = tooMany[0].answeredAt as number;
		const later = probe.requests.filter((r) => r.arrivedAt > t);
		// p0's retry, p3, p4 and p5: none before t + Retry-After (1 ms of clock granularity allowed).
		expect(later).toHaveLength(4);
		for (const r of later) expect(r.arrivedAt).toBeGreaterThanOrEqual(t + retryAfterS * 1000 - 1);
		// Before the 429: exactly the first three, sent together.
		expect(probe.requests.filter((r) => r.arrivedAt <= t)).toHaveLength(3);
		expect(probe.peak).toBe(3);
	});
});

describe('stopping the execution', () => {
	test('items waiting for a slot leave the queue at once: nothing more is sent', async () => {
		double.enqueue(forPrompt('p0', { delayMs: 30_000 }));
		const controller = new AbortController();
		const started = Date.now();
		const running = runNanoBanana(double, smallGenerate({ concurrency: 1, maxRetries: 0 }), {
			items: promptItems(4),
			continueOnFail: true,
			credential: { baseUrl: probe.baseUrlFor('openai') },
			signal: controller.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 500));
		controller.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(5_000);
		// Give anything that would still be sent a moment to arrive.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(double.requests.map(promptOf)).toEqual(['p0']);
	});
});
