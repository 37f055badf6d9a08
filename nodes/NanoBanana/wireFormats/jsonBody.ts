/**
 * JSON bodies that carry input images as base64 (Gemini's `inlineData`, chat completions' data
 * URLs), built into one buffer: the images are encoded straight into it, a slice at a time, so a
 * request holds the inputs' bytes (or not even those, when n8n streams them from disk) and the
 * body, never a base64 string of each image plus a stringified copy of the whole.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { FilePart } from '../inputs/inputImages';

/** Bytes per slice: a multiple of 3, so slices encode to base64 with no padding in between. */
const SLICE = 3 * 256 * 1024;

export interface ImageSlots {
	/** The text to put in the template where an image's base64 goes. */
	slot(part: FilePart): string;
	/** The template as JSON, each slot filled with its image's base64. */
	build(template: unknown): Promise<Buffer>;
	/** How many bytes `build` will make of the template, without reading an image. */
	size(template: unknown): number;
}

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** Base64 length of every image a body will carry, to tell the request's size before building it. */
export function base64Size(parts: FilePart[]): number {
	return parts.reduce((sum, p) => sum + base64Length(p.size), 0);
}

async function writeBase64(out: Buffer, offset: number, source: Buffer | Readable, expected: number): Promise<number> {
	let written = offset;
	let seen = 0;
	let carry = Buffer.alloc(0);
	const emit = (bytes: Buffer) => {
		seen += bytes.length;
		if (seen > expected) throw new Error(`the image holds more bytes than the ${expected} n8n reported`);
		let data = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
		const whole = data.length - (data.length % 3);
		for (let start = 0; start < whole; start += SLICE) {
			written += out.write(data.subarray(start, Math.min(start + SLICE, whole)).toString('base64'), written, 'latin1');
		}
		carry = Buffer.from(data.subarray(whole));
		data = Buffer.alloc(0);
	};
	if (Buffer.isBuffer(source)) emit(source);
	else for await (const chunk of source) emit(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	if (carry.length > 0) written += out.write(carry.toString('base64'), written, 'latin1');
	if (seen !== expected) throw new Error(`the image holds ${seen} bytes, not the ${expected} n8n reported`);
	return written;
}

export function imageSlots(): ImageSlots {
	const nonce = randomBytes(6).toString('hex');
	const parts: FilePart[] = [];
	// Split on the slots: odd entries are slot numbers, even ones the JSON around them.
	const sized = (template: unknown) => {
		const pieces = JSON.stringify(template).split(new RegExp(`@@image-${nonce}-(\\d+)@@`));
		let total = 0;
		for (let i = 0; i < pieces.length; i++) {
			total += i % 2 === 0 ? Buffer.byteLength(pieces[i]) : base64Length(parts[Number(pieces[i])].size);
		}
		return { pieces, total };
	};
	return {
		slot(part) {
			parts.push(part);
			return `@@image-${nonce}-${parts.length - 1}@@`;
		},
		size(template) {
			return sized(template).total;
		},
		async build(template) {
			const { pieces, total } = sized(template);
			const out = Buffer.allocUnsafe(total);
			let offset = 0;
			for (let i = 0; i < pieces.length; i++) {
				if (i % 2 === 0) offset += out.write(pieces[i], offset, 'utf8');
				else {
					const part = parts[Number(pieces[i])];
					offset = await writeBase64(out, offset, await part.open(), part.size);
				}
			}
			return out;
		},
	};
}
