/**
 * The double's pictures carry their own size and the prompt's first words, drawn in a bitmap font,
 * so a person looking at an output sees which ratio and resolution took.
 */
import { inflateSync } from 'node:zlib';
import { decode as jpegDecode } from 'jpeg-js';

import { encodeJpeg, encodePng, labelLines, readImageSize } from './images';

function pngRows(buf: Buffer): { raw: Buffer; width: number; height: number } {
	const size = readImageSize(buf);
	if (!size) throw new Error('not a PNG');
	const idat: Buffer[] = [];
	for (let i = 8; i < buf.length; ) {
		const len = buf.readUInt32BE(i);
		if (buf.toString('latin1', i + 4, i + 8) === 'IDAT') idat.push(buf.subarray(i + 8, i + 8 + len));
		i += 12 + len;
	}
	return { raw: inflateSync(Buffer.concat(idat)), width: size.width, height: size.height };
}

/** Share of pure white pixels in the PNG (the gradient itself never reaches 255,255,255). */
function whiteShare(buf: Buffer): number {
	const { raw, width, height } = pngRows(buf);
	let white = 0;
	for (let y = 0; y < height; y++) {
		const row = y * (1 + width * 3) + 1;
		for (let x = 0; x < width; x++) {
			const o = row + x * 3;
			if (raw[o] === 255 && raw[o + 1] === 255 && raw[o + 2] === 255) white++;
		}
	}
	return white / (width * height);
}

describe('labelled pictures', () => {
	it('takes up to two lines of at most 20 characters from the first words', () => {
		expect(labelLines('Generate a studio product photo of a matte teal ceramic coffee mug')).toEqual([
			'Generate a studio',
			'product photo of a',
		]);
		expect(labelLines('  one  ')).toEqual(['one']);
		expect(labelLines('')).toEqual([]);
		expect(labelLines('Supercalifragilisticexpialidocious mug')).toEqual(['Supercalifragilistic', 'mug']);
	});

	it('draws the size, and the label when given, as white text on the gradient', () => {
		const plain = whiteShare(encodePng(1344, 768, 4));
		const labelled = whiteShare(encodePng(1344, 768, 4, 'A ceramic mug on a table'));
		expect(plain).toBeGreaterThan(0.005);
		expect(labelled).toBeGreaterThan(plain);
		// the same seed and label give the same pixels; another label other pixels
		expect(pngRows(encodePng(300, 200, 1, 'mug')).raw.equals(pngRows(encodePng(300, 200, 1, 'mug')).raw)).toBe(true);
		expect(pngRows(encodePng(300, 200, 1, 'mug')).raw.equals(pngRows(encodePng(300, 200, 1, 'cup')).raw)).toBe(false);
	});

	it('leaves pictures too small for text alone, at any size', () => {
		expect(whiteShare(encodePng(37, 11, 5, 'a long prompt that cannot fit'))).toBe(0);
		for (const [w, h] of [[1, 1], [16, 300], [300, 16], [8192, 2048]] as const) {
			expect(readImageSize(encodePng(w, h, 2, 'label'))).toEqual({ mime: 'image/png', width: w, height: h });
		}
		const jpeg = jpegDecode(encodeJpeg(640, 480, 2, 'label'));
		expect([jpeg.width, jpeg.height]).toEqual([640, 480]);
	});

	it('keeps 4K sizes fast', () => {
		const t = Date.now();
		encodePng(6144, 2688, 9, 'Generate a wide website hero banner photo');
		encodePng(4096, 4096, 9, 'Generate a square product shot');
		expect(Date.now() - t).toBeLessThan(3000);
	});
});
