/**
 * JSON bodies with base64 images built into one buffer (wireFormats/jsonBody.ts): the result is
 * the JSON that JSON.stringify would make with each image's base64 in its slot, from buffers and
 * from streams alike, at sizes that are not multiples of 3 and that span several slices.
 */
import { Readable } from 'node:stream';

import type { FilePart } from '../../nodes/NanoBanana/inputs/inputParts';
import { base64Size, imageSlots } from '../../nodes/NanoBanana/wireFormats/jsonBody';
import { bigPng } from '../concurrency/bigImage';

function part(bytes: Buffer, streamed: boolean, chunk = 65_536): FilePart {
	return {
		property: 'data',
		filename: 'a.png',
		contentType: 'image/png',
		size: bytes.length,
		open: async () => {
			if (!streamed) return bytes;
			const chunks: Buffer[] = [];
			for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
			return Readable.from(chunks);
		},
	};
}

describe('imageSlots', () => {
	test.each([
		['a buffer', false],
		['a stream in odd chunks', true],
	])('fills each slot with its image\'s base64, from %s', async (_name, streamed) => {
		const a = bigPng(2_000_001, 1);
		const b = bigPng(1_000, 2);
		const slots = imageSlots();
		const [pa, pb] = [part(a, streamed, 70_001), part(b, streamed)];
		const template = { contents: [{ parts: [{ text: 'A "quoted" prompt\n' }, { inlineData: { data: slots.slot(pa) } }, { inlineData: { data: slots.slot(pb) } }] }] };
		const body = await slots.build(template);
		const expected = JSON.stringify({ contents: [{ parts: [{ text: 'A "quoted" prompt\n' }, { inlineData: { data: a.toString('base64') } }, { inlineData: { data: b.toString('base64') } }] }] });
		expect(body.toString('utf8')).toBe(expected);
		expect(base64Size([pa, pb])).toBe(a.toString('base64').length + b.toString('base64').length);
	});

	test('a body can be built again for a second attempt', async () => {
		const a = bigPng(10_000, 3);
		const slots = imageSlots();
		const p = part(a, true);
		const template = { data: `data:image/png;base64,${slots.slot(p)}` };
		const first = await slots.build(template);
		const second = await slots.build(template);
		expect(second.equals(first)).toBe(true);
		expect(JSON.parse(first.toString('utf8')).data).toBe(`data:image/png;base64,${a.toString('base64')}`);
	});

	test('a stream shorter than the size announced is an error, not a cut body', async () => {
		const a = bigPng(5_000, 4);
		const slots = imageSlots();
		const p = { ...part(a.subarray(0, 4_000), true), size: a.length };
		await expect(slots.build({ data: slots.slot(p) })).rejects.toThrow();
	});
});
