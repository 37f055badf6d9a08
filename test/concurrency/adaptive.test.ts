/**
 * Issue #10: the node finds a gateway's limit. Against a double that takes at most N requests in
 * flight per account and answers 429 (Retry-After: 1) above that, as gateways do: a batch whose
 * Concurrency is above N still delivers every image; 429s drawn while the limit shrinks cost no
 * retry; the credential's Max Requests in Flight holds every execution on it to one cap, and never
 * touches another credential's requests. All through n8n-core's real engine.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ProviderDouble } from '../double/providerDouble';
import { startProviderDouble } from '../double/providerDouble';
import type { RunResult } from '../helpers/n8n';
import { shutdownN8n } from '../helpers/n8n';
import { runNanoBanana } from '../helpers/nanoBanana';
import { promptItems, smallGenerate } from './batch';

const LATENCY = 200;
let double: ProviderDouble;

beforeAll(async () => {
	double = await startProviderDouble({ latencyMs: LATENCY });
});
beforeEach(() => {
	double.reset();
	double.settings.latencyMs = LATENCY;
	double.settings.answer = 'b64_json';
});
afterAll(async () => {
	await double.close();
	await shutdownN8n();
});

async function run(count: number, options: IDataObject, credential: ICredentialDataDecryptedObject = {}, credentialId?: string, tag = 'p'): Promise<RunResult> {
	return await runNanoBanana(double, smallGenerate(options), { items: promptItems(count, tag), credential, credentialId });
}

const images = (result: RunResult) => result.items.filter((i) => i.binary?.data).length;

test('Concurrency 20 against a gateway that takes 6: all 24 images, none lost to 429s', async () => {
	double.settings.maxInFlight = 6;
	const started = performance.now();
	const result = await run(24, { concurrency: 20, maxRetries: 0 });
	const wall = performance.now() - started;
	expect(result.error).toBeUndefined();
	expect(images(result)).toBe(24);
	expect(result.items.map((i) => i.json.prompt)).toEqual(promptItems(24).map((p) => p.json?.p));
	// The first wave finds the limit; after it no more than a handful of probes are turned away.
	expect(double.limit.rejected).toBeGreaterThan(0);
	expect(double.limit.rejected).toBeLessThan(24);
	expect(double.limit.peak).toBe(6);
	// Four waves of 6 at 200 ms, plus the one Retry-After pause of the first wave (and slack).
	expect(wall).toBeLessThan(4 * LATENCY + 1000 + 1500);
});

test('429s drawn while the batch shrinks do not count against Max Retries (0 here)', async () => {
	double.settings.maxInFlight = 2;
	const result = await run(8, { concurrency: 8, maxRetries: 0 });
	expect(result.error).toBeUndefined();
	expect(images(result)).toBe(8);
	expect(double.limit.rejected).toBeGreaterThanOrEqual(6);
	expect(double.requests).toHaveLength(8 + double.limit.rejected);
});

test('at Concurrency 1 a 429 is the gateway limiting one request: it counts, and Max Retries 0 fails the item', async () => {
	double.settings.maxInFlight = 1;
	// Another client of the same account holds the one slot.
	const other = fetch(`${double.baseUrlFor('openai')}/v1/images/generations`, {
		method: 'POST',
		headers: { authorization: `Bearer ${double.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ model: 'nano-banana', prompt: 'someone else', size: '64x64' }),
	});
	await new Promise((resolve) => setTimeout(resolve, 50));
	const result = await run(1, { concurrency: 1, maxRetries: 0 });
	await other;
	expect(result.error?.message).toMatch(/answered 429/);
	expect(double.limit.rejected).toBe(1);
});

test('Max Requests in Flight: ten executions at once share one cap of 6, and draw no 429', async () => {
	double.settings.maxInFlight = 6;
	const started = performance.now();
	const runs = await Promise.all(Array.from({ length: 10 }, (_, e) => run(3, { concurrency: 3 }, { maxConcurrency: 6 }, undefined, `e${e}-`)));
	const wall = performance.now() - started;
	for (const result of runs) {
		expect(result.error).toBeUndefined();
		expect(images(result)).toBe(3);
	}
	expect(double.limit.rejected).toBe(0);
	expect(double.limit.peak).toBe(6);
	expect(double.requests).toHaveLength(30);
	// ceil(30 / 6) waves of 200 ms, with room for ten executions' own start-up.
	expect(wall).toBeLessThan(5 * LATENCY + 2500);
});

test('without it, the same ten executions overrun the gateway (the cap is what keeps them under)', async () => {
	double.settings.maxInFlight = 6;
	await Promise.all(Array.from({ length: 10 }, (_, e) => run(3, { concurrency: 3, maxRetries: 10 }, {}, undefined, `e${e}-`)));
	expect(double.limit.rejected).toBeGreaterThan(0);
});

test("one credential's gate never holds or pauses another credential's requests", async () => {
	// Credential A: cap 1, and its first request draws a 429 with Retry-After: 2.
	double.enqueue({ status: 429, headers: { 'retry-after': '2' }, match: (r) => String(r.json?.prompt).startsWith('a') });
	const started = performance.now();
	const doneAt: Record<string, number> = {};
	const a = run(3, { concurrency: 3 }, { maxConcurrency: 1 }, 'cred-account-a', 'a').then((r) => ((doneAt.a = performance.now() - started), r));
	await new Promise((resolve) => setTimeout(resolve, 20));
	// Credential B (another id, another key): cap 3, runs at once beside A.
	const b = run(3, { concurrency: 3 }, { maxConcurrency: 3 }, 'cred-account-b', 'b').then((r) => ((doneAt.b = performance.now() - started), r));
	const [ra, rb] = await Promise.all([a, b]);
	expect(ra.error).toBeUndefined();
	expect(rb.error).toBeUndefined();
	// B's three went out together, not behind A's cap of 1 nor A's 2 s pause.
	expect(doneAt.b).toBeLessThan(LATENCY + 700);
	const bArrivals = double.requests.filter((r) => String(r.json?.prompt).startsWith('b'));
	expect(bArrivals).toHaveLength(3);
	// A waited out its pause, then went one at a time: 2 s + 3 x 200 ms.
	expect(doneAt.a).toBeGreaterThan(2000 + 3 * LATENCY - 100);
});

test('two executions on the same credential share its cap, even in different workflows', async () => {
	const started = performance.now();
	const doneAt: number[] = [];
	await Promise.all(
		['x', 'y'].map(async (tag) => {
			const result = await run(3, { concurrency: 3 }, { maxConcurrency: 1 }, 'cred-shared', tag);
			expect(result.error).toBeUndefined();
			doneAt.push(performance.now() - started);
		}),
	);
	// Six requests, one at a time: 6 x 200 ms (two gates of 1 would take 3 x 200 ms).
	expect(Math.max(...doneAt)).toBeGreaterThan(6 * LATENCY - 50);
	expect(double.limit.peak).toBe(1);
});
