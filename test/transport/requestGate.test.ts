/**
 * The request gate on its own: slots, queue order, the shared pause, and stopping a failed batch
 * from a given item on while the items before it go on.
 */
import { AdaptiveSlots } from '../../nodes/NanoBanana/transport/adaptiveSlots';
import { GateClosedError, RequestGate } from '../../nodes/NanoBanana/transport/requestGate';

/** A request that ends when the test says so. */
function pending() {
	let finish!: () => void;
	const done = new Promise<void>((resolve) => (finish = resolve));
	return { finish, done };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('at most `limit` at once, the rest in the order they asked', async () => {
	const gate = new RequestGate(2);
	const started: number[] = [];
	const requests = Array.from({ length: 5 }, () => pending());
	const runs = requests.map((r, i) =>
		gate.forItem(i).run(async () => {
			started.push(i);
			await r.done;
		}),
	);
	await tick();
	expect(started).toEqual([0, 1]);
	expect(gate.inFlight).toBe(2);
	requests[1].finish();
	await tick();
	await tick();
	expect(started).toEqual([0, 1, 2]);
	for (const r of requests) r.finish();
	await Promise.all(runs);
	expect(started).toEqual([0, 1, 2, 3, 4]);
	expect(gate.inFlight).toBe(0);
});

test('a pause holds every new request, on any view of the gate', async () => {
	const gate = new RequestGate(3);
	gate.forItem(0).pause(150);
	const started = performance.now();
	const at: number[] = [];
	await Promise.all([1, 2, 3].map((i) => gate.forItem(i).run(async () => void at.push(performance.now() - started))));
	for (const t of at) expect(t).toBeGreaterThanOrEqual(149);
});

test('stopFrom: later items are turned away, earlier ones still get their turn', async () => {
	const gate = new RequestGate(1);
	const first = pending();
	const started: number[] = [];
	const run = (i: number) =>
		gate.forItem(i).run(async () => {
			started.push(i);
			if (i === 0) await first.done;
		});
	const r0 = run(0);
	await tick();
	// Item 3 queued before item 1 (item 1 came back for a retry, say).
	const r3 = run(3);
	const r1 = run(1);
	const r5 = run(5);
	gate.stopFrom(2);
	await expect(r3).rejects.toBeInstanceOf(GateClosedError);
	await expect(r5).rejects.toBeInstanceOf(GateClosedError);
	await expect(run(4)).rejects.toBeInstanceOf(GateClosedError);
	first.finish();
	await r0;
	await r1;
	expect(started).toEqual([0, 1]);
	// The request in flight (item 0) was not cut off, and its slot went to item 1.
	expect(gate.inFlight).toBe(0);
});

test('a request that ends the batch is dealt with before the next queued one starts', async () => {
	const gate = new RequestGate(1);
	const started: number[] = [];
	const failing = gate.forItem(0).run(async () => {
		started.push(0);
		throw new Error('item 0 broke');
	});
	const queued = gate.forItem(1).run(async () => void started.push(1));
	// What the node does with a failure: a few awaits later, it stops the batch from that item.
	await failing.catch(async () => {
		await Promise.resolve();
		gate.stopFrom(0);
	});
	await expect(queued).rejects.toBeInstanceOf(GateClosedError);
	expect(started).toEqual([0]);
});

test('a queued item turned away on waking hands its turn on to an earlier item behind it', async () => {
	const gate = new RequestGate(1);
	const started: number[] = [];
	const failing = gate.forItem(2).run(async () => {
		started.push(2);
		await new Promise((resolve) => setTimeout(resolve, 20));
		throw new Error('item 2 broke');
	});
	await tick();
	// Item 3 queued, then item 1 (back for a retry) behind it.
	const later = gate.forItem(3).run(async () => void started.push(3));
	const earlier = gate.forItem(1).run(async () => void started.push(1));
	await failing.catch(() => gate.stopFrom(2));
	await expect(later).rejects.toBeInstanceOf(GateClosedError);
	await earlier;
	expect(started).toEqual([2, 1]);
	expect(gate.inFlight).toBe(0);
});

describe('the limit adapts to 429s (adaptiveSlots.ts)', () => {
	test('a wave of 429s brings the limit down to what the gateway took, once', async () => {
		const slots = new AdaptiveSlots(20);
		const tickets = await Promise.all(Array.from({ length: 20 }, () => slots.take()));
		expect(slots.inFlight).toBe(20);
		// The gateway took 6 and turned 14 away: their 429s come back while the 6 still run.
		slots.give(tickets[19], 'rateLimited');
		expect(slots.limit).toBe(10);
		for (const t of tickets.slice(6, 19)) slots.give(t, 'rateLimited');
		expect(slots.limit).toBe(6);
		expect(slots.rateLimited).toBe(14);
		for (const t of tickets.slice(0, 6)) slots.give(t, 'ok');
		expect(slots.limit).toBe(6);
	});

	test('answers that keep succeeding grow it back by one per 4 x limit, never past the ceiling', async () => {
		const slots = new AdaptiveSlots(4);
		const first = await Promise.all([slots.take(), slots.take()]);
		slots.give(first[0], 'rateLimited');
		slots.give(first[1], 'ok');
		expect(slots.limit).toBe(1);
		const grow = async (n: number) => {
			for (let i = 0; i < n; i++) slots.give(await slots.take(), 'ok');
		};
		// The answer that came back after the cut is the first of four in a row at limit 1.
		await grow(2);
		expect(slots.limit).toBe(1);
		await grow(1);
		expect(slots.limit).toBe(2);
		await grow(7);
		expect(slots.limit).toBe(2);
		await grow(1);
		expect(slots.limit).toBe(3);
		await grow(12 + 100);
		expect(slots.limit).toBe(4);
	});

	test('a 429 at limit 1 keeps it at 1; a lower ceiling applies at once', async () => {
		const slots = new AdaptiveSlots(3);
		slots.setCeiling(2);
		expect(slots.limit).toBe(2);
		const a = await slots.take();
		slots.give(a, 'rateLimited');
		expect(slots.limit).toBe(1);
		const b = await slots.take();
		expect(b.limitAtSend).toBe(1);
		slots.give(b, 'rateLimited');
		expect(slots.limit).toBe(1);
	});

	test('with an account, a request needs both slots, and a 429 shrinks the account, not the execution', async () => {
		const account = new AdaptiveSlots(2);
		const one = new RequestGate(3).withAccount(account);
		const two = new RequestGate(3).withAccount(account);
		const started: string[] = [];
		const requests = Array.from({ length: 4 }, () => pending());
		const runs = requests.map((r, i) =>
			(i % 2 === 0 ? one : two).forItem(i).run(async () => {
				started.push(`r${i}`);
				await r.done;
			}),
		);
		await tick();
		expect(started).toHaveLength(2);
		expect(account.inFlight).toBe(2);
		for (const r of requests) r.finish();
		await Promise.all(runs);
		expect(started).toHaveLength(4);
		const ticket = await one.acquire();
		expect(one.couldShrink(ticket)).toBe(true);
		one.release(ticket, 'rateLimited');
		expect(account.limit).toBe(1);
		expect(one.currentLimit).toBe(3);
	});
});
