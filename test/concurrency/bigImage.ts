/**
 * Large, valid images that cost nothing to make: a real PNG with a private ancillary chunk of
 * random bytes right after IHDR (decoders skip it; the header's size stays honest).
 */
import { randomBytes } from 'node:crypto';

import { crc32, encodePng } from '../double/images';

/** `png` grown to about `bytes` bytes with a `ruBb` chunk of random bytes after IHDR. */
export function padPng(png: Buffer, bytes: number): Buffer {
	const afterIhdr = 8 + 4 + 4 + 13 + 4;
	const data = randomBytes(Math.max(0, bytes - png.length - 12));
	const type = Buffer.from('ruBb', 'latin1');
	const head = Buffer.alloc(4);
	head.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(type, data) >>> 0);
	return Buffer.concat([png.subarray(0, afterIhdr), head, type, data, crc, png.subarray(afterIhdr)]);
}

/** A PNG of about `bytes` bytes (32x32 pixels, the rest padding). */
export function bigPng(bytes: number, seed: number): Buffer {
	return padPng(encodePng(32, 32, seed), bytes);
}
