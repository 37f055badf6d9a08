/**
 * Concurrency "Auto" (node version 3): the gate's slow start (transport/adaptiveSlots.ts,
 * RequestGate.forBatch). It starts at 4 in flight, doubles per wave that comes back without a
 * 429, never goes above the batch (or 100), and after the first 429 the adaptive rules take over.
 */
import { AdaptiveSlots } from '../../nodes/NanoBanana/transport/adaptiveSlots';
import { AUTO_MAX, AUTO_START, RequestGate } from '../../nodes/NanoBanana/transport/requestGate';

/** Take `n` slots and give them all back with `outcome`: one wave. */
async function wave(slots: AdaptiveSlots, n: number, outcome: 'ok' | 'rateLimited' = 'ok') {
	const tickets = await Promise.all(Array.from({ length: n }, async () => await slots.take()));
	for (const t of tickets) slots.give(t, outcome);
}

test('starts at 4 and doubles per clean wave, up to the ceiling', async () => {
	const slots = new AdaptiveSlots(40, AUTO_START);
	const seen = [slots.limit];
	for (let i = 0; i < 5; i++) {
		await wave(slots, slots.limit);
		seen.push(slots.limit);
	}
	expect(seen).toEqual([4, 8, 16, 32, 40, 40]);
});

test('never above the batch: a gate for 10 requests stops at 10; a huge batch at 100', () => {
	expect(RequestGate.forBatch('auto', 10).limit).toBe(10);
	expect(RequestGate.forBatch('auto', 10_000).limit).toBe(AUTO_MAX);
	expect(RequestGate.forBatch('auto', 2).currentLimit).toBe(2);
	expect(RequestGate.forBatch(6, 500).limit).toBe(6);
	expect(RequestGate.forBatch(6, 500).currentLimit).toBe(6);
});

test('the first 429 ends the slow start: the limit shrinks to what the gateway took, then grows one at a time', async () => {
	const slots = new AdaptiveSlots(100, AUTO_START);
	await wave(slots, 4);
	await wave(slots, 8);
	expect(slots.limit).toBe(16);
	// 16 go out; the gateway takes 6 and turns 10 away.
	const tickets = await Promise.all(Array.from({ length: 16 }, async () => await slots.take()));
	for (const t of tickets.slice(6)) slots.give(t, 'rateLimited');
	for (const t of tickets.slice(0, 6)) slots.give(t, 'ok');
	// The probe's 429s do not halve: the limit is what the gateway took.
	expect(slots.limit).toBe(6);
	const after = slots.limit;
	// A clean wave no longer doubles: one more slot only after 4 x limit answers in a row.
	await wave(slots, after);
	expect(slots.limit).toBe(after);
	for (let i = 0; i < 3; i++) await wave(slots, after);
	expect(slots.limit).toBe(after + 1);
});

test('a fixed Concurrency starts at its number, as before', () => {
	expect(new AdaptiveSlots(6).limit).toBe(6);
});

test('Auto remembers the route: the next execution starts where the last one ended, a 429 lowers it, a small batch does not', async () => {
	const route = 'openAiCompatibleImageApi\u0000learn-test';
	const first = RequestGate.forBatch('auto', 50, route);
	expect(first.currentLimit).toBe(AUTO_START);
	const slots = (first as unknown as { state: { slots: AdaptiveSlots } }).state.slots;
	await wave(slots, 4);
	await wave(slots, 8);
	first.rememberLimit();
	expect(RequestGate.forBatch('auto', 50, route).currentLimit).toBe(16);
	// A small batch reaches less, and forgets nothing.
	RequestGate.forBatch('auto', 2, route).rememberLimit();
	expect(RequestGate.forBatch('auto', 50, route).currentLimit).toBe(16);
	// A 429 is news: the limit it left is the one kept.
	const third = RequestGate.forBatch('auto', 50, route);
	const thirdSlots = (third as unknown as { state: { slots: AdaptiveSlots } }).state.slots;
	const tickets = await Promise.all(Array.from({ length: 16 }, async () => await thirdSlots.take()));
	for (const t of tickets.slice(5)) thirdSlots.give(t, 'rateLimited');
	for (const t of tickets.slice(0, 5)) thirdSlots.give(t, 'ok');
	third.rememberLimit();
	expect(RequestGate.forBatch('auto', 50, route).currentLimit).toBe(thirdSlots.limit);
	expect(thirdSlots.limit).toBeLessThan(16);
	// Another route learned nothing.
	expect(RequestGate.forBatch('auto', 50, 'other').currentLimit).toBe(AUTO_START);
});

test("tickets say whether they were Auto's probe: until the first 429, and not for a fixed Concurrency", async () => {
	const auto = new AdaptiveSlots(20, AUTO_START);
	const probes = await Promise.all(Array.from({ length: 4 }, async () => await auto.take()));
	expect(probes.every((t) => t.learning)).toBe(true);
	auto.give(probes[0], 'rateLimited');
	for (const t of probes.slice(1)) auto.give(t, 'ok');
	expect((await auto.take()).learning).toBe(false);
	expect((await new AdaptiveSlots(6).take()).learning).toBe(false);
});

test('after the probe, a 429 of a new wave halves the limit as the adaptive rules always did', async () => {
	const slots = new AdaptiveSlots(100, 8);
	const first = await Promise.all(Array.from({ length: 8 }, async () => await slots.take()));
	slots.give(first[7], 'rateLimited');
	for (const t of first.slice(0, 7)) slots.give(t, 'ok');
	expect(slots.limit).toBe(7);
	const next = await Promise.all(Array.from({ length: 7 }, async () => await slots.take()));
	slots.give(next[0], 'rateLimited');
	expect(slots.limit).toBe(3);
	for (const t of next.slice(1)) slots.give(t, 'ok');
});

test('a route the gateway pushed back on starts at the limit it took, and grows from there one at a time', async () => {
	const route = 'openAiCompatibleImageApi\u0000pushed-back';
	const first = RequestGate.forBatch('auto', 40, route);
	const slots = (first as unknown as { state: { slots: AdaptiveSlots } }).state.slots;
	await wave(slots, 4);
	const tickets = await Promise.all(Array.from({ length: 8 }, async () => await slots.take()));
	for (const t of tickets.slice(3)) slots.give(t, 'rateLimited');
	for (const t of tickets.slice(0, 3)) slots.give(t, 'ok');
	expect(slots.limit).toBe(3);
	first.rememberLimit();
	// Below the slow start's 4: the gateway said 3.
	const next = RequestGate.forBatch('auto', 40, route);
	expect(next.currentLimit).toBe(3);
	const nextSlots = (next as unknown as { state: { slots: AdaptiveSlots } }).state.slots;
	// A clean wave does not double it: one more only after 4 x 3 answers in a row.
	await wave(nextSlots, 3);
	expect(nextSlots.limit).toBe(3);
	for (let i = 0; i < 3; i++) await wave(nextSlots, 3);
	expect(nextSlots.limit).toBe(4);
	// Its first 429 is still the probe's: what the gateway took, not half.
	const probe = await Promise.all(Array.from({ length: 4 }, async () => await nextSlots.take()));
	expect(probe.every((t) => t.learning)).toBe(true);
});
