/**
 * Image helpers for the provider double (test/double/providerDouble.ts) and for tests.
 *
 * - encodePng(w, h, seed): a real PNG (8-bit RGB, filter 0 on every row, deflate level 1, correct
 *   CRCs) showing a gradient whose hue follows `seed`, with its pixel size (`1344 x 768`) and the
 *   optional `label`'s first words (the prompt) drawn on a darker band in a 5x7 bitmap font, plus a
 *   tEXt chunk naming the seed, so two seeds never give identical bytes.
 * - encodeJpeg(w, h, seed): the same picture as a baseline JPEG (jpeg-js), with a COM segment.
 * - makeWebp(w, h): a small valid lossless WebP (RIFF + VP8L, one solid colour) of that canvas size;
 *   with `{ extended: true }` it is wrapped in a VP8X container.
 * - readImageSize(buf): mime type, width and height from a PNG, JPEG or WebP (VP8, VP8L, VP8X)
 *   header, or undefined when the bytes are none of these.
 *
 * Nothing is cached between calls: rows are built with Buffer operations (one row is rebuilt only
 * when its colour changes, then copied), so even 6144x2688 encodes in well under a second for PNG.
 */
import { deflateSync } from 'node:zlib';
import { encode as jpegEncode } from 'jpeg-js';

export interface ImageSize {
	mime: 'image/png' | 'image/jpeg' | 'image/webp';
	width: number;
	height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (ISO 3309 / PNG) of one or more buffers taken in order. */
export function crc32(...parts: Buffer[]): number {
	let crc = 0xffffffff;
	for (const part of parts) {
		for (let i = 0; i < part.length; i++) crc = CRC_TABLE[(crc ^ part[i]) & 0xff] ^ (crc >>> 8);
	}
	return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const tail = Buffer.alloc(4);
	tail.writeUInt32BE(crc32(head.subarray(4), data), 0);
	return Buffer.concat([head, data, tail]);
}

function checkSize(width: number, height: number): void {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`invalid image size ${width}x${height}`);
	}
}

/** A saturated colour whose hue follows the seed (golden-angle steps, so neighbours differ). */
function seedColour(seed: number): [number, number, number] {
	const hue = (((Math.floor(seed) * 137.508) % 360) + 360) % 360;
	const c = 1;
	const x = 1 - Math.abs(((hue / 60) % 2) - 1);
	let rgb: [number, number, number];
	if (hue < 60) rgb = [c, x, 0];
	else if (hue < 120) rgb = [x, c, 0];
	else if (hue < 180) rgb = [0, c, x];
	else if (hue < 240) rgb = [0, x, c];
	else if (hue < 300) rgb = [x, 0, c];
	else rgb = [c, 0, x];
	return [Math.round(rgb[0] * 255), Math.round(rgb[1] * 255), Math.round(rgb[2] * 255)];
}

/**
 * Fills `raw` with `height` rows of `rowBytes` bytes starting `lead` bytes into each row, `channels`
 * bytes a pixel: red and blue fade across x from the seed colour, green fades down y. A row is
 * rebuilt only when its green value changes; otherwise the previous row is copied.
 */
function paint(
	raw: Buffer,
	width: number,
	height: number,
	seed: number,
	channels: 3 | 4,
	lead: number,
): void {
	const [hr, hg, hb] = seedColour(seed);
	const rowBytes = lead + width * channels;
	const row = Buffer.alloc(rowBytes); // filter byte (PNG) stays 0
	for (let x = 0; x < width; x++) {
		const t = width > 1 ? x / (width - 1) : 0;
		const o = lead + x * channels;
		row[o] = Math.round(hr * (1 - t) + 255 * t * 0.6);
		row[o + 2] = Math.round(hb * (1 - t) + 200 * t);
		if (channels === 4) row[o + 3] = 255;
	}
	let lastG = -1;
	for (let y = 0; y < height; y++) {
		const t = height > 1 ? y / (height - 1) : 0;
		const g = Math.round(hg * (1 - t) + 255 * t * 0.8);
		if (g !== lastG) {
			for (let o = lead + 1; o < rowBytes; o += channels) row[o] = g;
			lastG = g;
		}
		row.copy(raw, y * rowBytes);
	}
}

/**
 * A 5x7 bitmap font (rows top to bottom, 5 bits each, most significant bit left) for the labels
 * drawn on the double's pictures: A-Z (lower case is drawn as upper case), 0-9, a small `x` for
 * sizes, and some punctuation. Anything else is drawn as a space.
 */
const FONT: Record<string, readonly number[]> = (() => {
	const g = (rows: string): number[] => rows.split(' ').map((r) => parseInt(r, 2));
	return {
		A: g('01110 10001 10001 11111 10001 10001 10001'),
		B: g('11110 10001 10001 11110 10001 10001 11110'),
		C: g('01110 10001 10000 10000 10000 10001 01110'),
		D: g('11110 10001 10001 10001 10001 10001 11110'),
		E: g('11111 10000 10000 11110 10000 10000 11111'),
		F: g('11111 10000 10000 11110 10000 10000 10000'),
		G: g('01110 10001 10000 10111 10001 10001 01111'),
		H: g('10001 10001 10001 11111 10001 10001 10001'),
		I: g('01110 00100 00100 00100 00100 00100 01110'),
		J: g('00111 00010 00010 00010 00010 10010 01100'),
		K: g('10001 10010 10100 11000 10100 10010 10001'),
		L: g('10000 10000 10000 10000 10000 10000 11111'),
		M: g('10001 11011 10101 10101 10001 10001 10001'),
		N: g('10001 10001 11001 10101 10011 10001 10001'),
		O: g('01110 10001 10001 10001 10001 10001 01110'),
		P: g('11110 10001 10001 11110 10000 10000 10000'),
		Q: g('01110 10001 10001 10001 10101 10010 01101'),
		R: g('11110 10001 10001 11110 10100 10010 10001'),
		S: g('01111 10000 10000 01110 00001 00001 11110'),
		T: g('11111 00100 00100 00100 00100 00100 00100'),
		U: g('10001 10001 10001 10001 10001 10001 01110'),
		V: g('10001 10001 10001 10001 10001 01010 00100'),
		W: g('10001 10001 10001 10101 10101 10101 01010'),
		X: g('10001 10001 01010 00100 01010 10001 10001'),
		Y: g('10001 10001 10001 01010 00100 00100 00100'),
		Z: g('11111 00001 00010 00100 01000 10000 11111'),
		'0': g('01110 10001 10011 10101 11001 10001 01110'),
		'1': g('00100 01100 00100 00100 00100 00100 01110'),
		'2': g('01110 10001 00001 00010 00100 01000 11111'),
		'3': g('11111 00010 00100 00010 00001 10001 01110'),
		'4': g('00010 00110 01010 10010 11111 00010 00010'),
		'5': g('11111 10000 11110 00001 00001 10001 01110'),
		'6': g('00110 01000 10000 11110 10001 10001 01110'),
		'7': g('11111 00001 00010 00100 01000 01000 01000'),
		'8': g('01110 10001 10001 01110 10001 10001 01110'),
		'9': g('01110 10001 10001 01111 00001 00010 01100'),
		x: g('00000 00000 10001 01010 00100 01010 10001'),
		':': g('00000 01100 01100 00000 01100 01100 00000'),
		'.': g('00000 00000 00000 00000 00000 01100 01100'),
		',': g('00000 00000 00000 00000 01100 00100 01000'),
		'-': g('00000 00000 00000 11111 00000 00000 00000'),
		"'": g('00100 00100 01000 00000 00000 00000 00000'),
		'!': g('00100 00100 00100 00100 00100 00000 00100'),
		'?': g('01110 10001 00001 00010 00100 00000 00100'),
		'/': g('00001 00010 00010 00100 01000 01000 10000'),
		'&': g('01100 10010 10100 01000 10101 10010 01101'),
		'(': g('00010 00100 01000 01000 01000 00100 00010'),
		')': g('01000 00100 00010 00010 00010 00100 01000'),
	};
})();

const glyph = (ch: string): readonly number[] | undefined => FONT[ch] ?? FONT[ch.toUpperCase()];

/** Up to two lines of at most `max` characters from the label's first words. */
export function labelLines(label: string, max = 20): string[] {
	const words = label.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
	const lines: string[] = [];
	let line = '';
	for (const word of words) {
		const w = word.length > max ? word.slice(0, max) : word;
		if (!line) line = w;
		else if (line.length + 1 + w.length <= max) line += ` ${w}`;
		else {
			lines.push(line);
			line = w;
			if (lines.length === 2) break;
		}
	}
	if (line && lines.length < 2) lines.push(line);
	return lines;
}

/**
 * Draws the label's first words and `W x H` in white on a darkened band across the middle of the
 * picture (rows in `raw`: `lead` bytes, then `channels` bytes a pixel). Too small a picture gets no
 * text. Only the band and the glyphs are touched, so large sizes stay fast.
 */
function drawLabel(
	raw: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	lead: number,
	label: string | undefined,
): void {
	const textLines = label ? labelLines(label) : [];
	const sizeLine = `${width} x ${height}`;
	const fit = (text: string, maxCellHeight: number) =>
		Math.floor(Math.min(maxCellHeight / 8, (width * 0.86) / (6 * text.length)));
	const lines: Array<{ text: string; scale: number }> = [];
	const textScale = textLines.length ? Math.min(...textLines.map((t) => fit(t, height / 10))) : 0;
	for (const text of textLines) lines.push({ text, scale: textScale });
	lines.push({ text: sizeLine, scale: Math.max(textScale, fit(sizeLine, height / 7)) });
	if (lines.some((l) => l.scale < 1)) return;
	const gap = (l: { scale: number }) => l.scale * 3;
	const blockHeight = lines.reduce((sum, l) => sum + 7 * l.scale + gap(l), 0) - gap(lines[lines.length - 1]);
	const pad = Math.max(2, Math.round(lines[lines.length - 1].scale * 3));
	if (blockHeight + 2 * pad > height) return;
	const rowBytes = lead + width * channels;
	const top = Math.floor((height - blockHeight) / 2);
	// darken the band behind the text
	for (let y = Math.max(0, top - pad); y < Math.min(height, top + blockHeight + pad); y++) {
		const start = y * rowBytes + lead;
		for (let o = start; o < start + width * channels; o += channels) {
			raw[o] = raw[o] >> 1;
			raw[o + 1] = raw[o + 1] >> 1;
			raw[o + 2] = raw[o + 2] >> 1;
		}
	}
	let y0 = top;
	for (const { text, scale } of lines) {
		const x0 = Math.floor((width - (6 * text.length - 1) * scale) / 2);
		for (let c = 0; c < text.length; c++) {
			const rows = glyph(text[c]);
			if (!rows) continue;
			for (let gy = 0; gy < 7; gy++) {
				for (let gx = 0; gx < 5; gx++) {
					if (!((rows[gy] >> (4 - gx)) & 1)) continue;
					const px = x0 + (c * 6 + gx) * scale;
					const py = y0 + gy * scale;
					for (let dy = 0; dy < scale; dy++) {
						const o = (py + dy) * rowBytes + lead + px * channels;
						raw.fill(255, o, o + scale * channels);
					}
				}
			}
		}
		y0 += 7 * scale + gap({ scale });
	}
}

/**
 * A real PNG (8-bit RGB) of width x height; the picture and a tEXt chunk depend on `seed`. The
 * picture shows its own size (`W x H`) and, when given, the first words of `label` (the prompt).
 */
export function encodePng(width: number, height: number, seed: number, label?: string): Buffer {
	checkSize(width, height);
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: truecolour
	ihdr[10] = 0; // deflate
	ihdr[11] = 0; // adaptive filtering (each row: filter type 0)
	ihdr[12] = 0; // no interlace
	const raw = Buffer.alloc(height * (1 + width * 3));
	paint(raw, width, height, seed, 3, 1);
	drawLabel(raw, width, height, 3, 1, label);
	const idat = deflateSync(raw, { level: 1 });
	const text = Buffer.from(`Comment\0provider double image, seed ${seed}`, 'latin1');
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', ihdr),
		pngChunk('tEXt', text),
		pngChunk('IDAT', idat),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/**
 * A real baseline JPEG (jpeg-js, quality 85) of width x height; picture and comment follow `seed`;
 * the size and the label's first words are drawn as on the PNG.
 */
export function encodeJpeg(width: number, height: number, seed: number, label?: string): Buffer {
	checkSize(width, height);
	const data = Buffer.alloc(width * height * 4);
	paint(data, width, height, seed, 4, 0);
	drawLabel(data, width, height, 4, 0, label);
	return jpegEncode(
		{ data, width, height, comments: [`provider double image, seed ${seed}`] },
		85,
	).data;
}

/** Little-endian bit writer, as VP8L wants. */
class BitWriter {
	private readonly bytes: number[] = [];
	private acc = 0;
	private n = 0;

	write(value: number, bits: number): void {
		for (let i = 0; i < bits; i++) {
			this.acc |= ((value >>> i) & 1) << this.n;
			this.n++;
			if (this.n === 8) {
				this.bytes.push(this.acc);
				this.acc = 0;
				this.n = 0;
			}
		}
	}

	finish(): Buffer {
		if (this.n > 0) this.bytes.push(this.acc);
		this.acc = 0;
		this.n = 0;
		return Buffer.from(this.bytes);
	}
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.write(fourcc, 0, 'latin1');
	head.writeUInt32LE(data.length, 4);
	return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/**
 * A valid lossless WebP of one solid colour with the given canvas size (1..16384 each side). The
 * VP8L bitstream uses no transform, no colour cache and five single-symbol prefix codes, so every
 * pixel takes zero bits and the file stays a few dozen bytes whatever the size.
 */
export function makeWebp(
	width: number,
	height: number,
	options: { rgb?: [number, number, number]; extended?: boolean } = {},
): Buffer {
	checkSize(width, height);
	if (width > 16384 || height > 16384) throw new RangeError('WebP sides are at most 16384');
	const [r, g, b] = options.rgb ?? [46, 139, 87];
	const w = new BitWriter();
	w.write(0x2f, 8); // VP8L signature
	w.write(width - 1, 14);
	w.write(height - 1, 14);
	w.write(0, 1); // alpha_is_used
	w.write(0, 3); // version
	w.write(0, 1); // no transform
	w.write(0, 1); // no colour cache
	w.write(0, 1); // no meta prefix codes
	const simpleCode = (symbol: number): void => {
		w.write(1, 1); // simple code
		w.write(0, 1); // one symbol
		w.write(1, 1); // 8-bit symbol
		w.write(symbol, 8);
	};
	simpleCode(g); // green + length prefix + cache
	simpleCode(r);
	simpleCode(b);
	simpleCode(255); // alpha
	simpleCode(0); // distance
	const vp8l = riffChunk('VP8L', w.finish());
	let body: Buffer;
	if (options.extended) {
		const vp8x = Buffer.alloc(10);
		vp8x[0] = 0; // no ICC, alpha, EXIF, XMP or animation
		vp8x.writeUIntLE(width - 1, 4, 3);
		vp8x.writeUIntLE(height - 1, 7, 3);
		body = Buffer.concat([riffChunk('VP8X', vp8x), vp8l]);
	} else {
		body = vp8l;
	}
	const head = Buffer.alloc(12);
	head.write('RIFF', 0, 'latin1');
	head.writeUInt32LE(4 + body.length, 4);
	head.write('WEBP', 8, 'latin1');
	return Buffer.concat([head, body]);
}

function readJpegSize(buf: Buffer): ImageSize | undefined {
	let i = 2;
	while (i + 3 < buf.length) {
		if (buf[i] !== 0xff) return undefined;
		let marker = buf[i + 1];
		while (marker === 0xff && i + 2 < buf.length) {
			i++; // fill bytes
			marker = buf[i + 1];
		}
		i += 2;
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		if (marker === 0xd9 || marker === 0xda) return undefined; // EOI / SOS before any SOF
		if (i + 2 > buf.length) return undefined;
		const len = buf.readUInt16BE(i);
		if (len < 2) return undefined;
		const isSof =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isSof) {
			if (i + 7 > buf.length) return undefined;
			const height = buf.readUInt16BE(i + 3);
			const width = buf.readUInt16BE(i + 5);
			if (!width || !height) return undefined;
			return { mime: 'image/jpeg', width, height };
		}
		i += len;
	}
	return undefined;
}

function readWebpSize(buf: Buffer): ImageSize | undefined {
	if (buf.length < 30) return undefined;
	const fourcc = buf.toString('latin1', 12, 16);
	if (fourcc === 'VP8 ') {
		if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return undefined;
		const width = buf.readUInt16LE(26) & 0x3fff;
		const height = buf.readUInt16LE(28) & 0x3fff;
		return width && height ? { mime: 'image/webp', width, height } : undefined;
	}
	if (fourcc === 'VP8L') {
		if (buf[20] !== 0x2f) return undefined;
		const bits = buf.readUInt32LE(21);
		return { mime: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (fourcc === 'VP8X') {
		return {
			mime: 'image/webp',
			width: buf.readUIntLE(24, 3) + 1,
			height: buf.readUIntLE(27, 3) + 1,
		};
	}
	return undefined;
}

/** Width and height from a PNG, JPEG or WebP header; undefined for anything else. */
export function readImageSize(buf: Buffer): ImageSize | undefined {
	try {
		if (buf.length >= 24 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
			if (buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
			const width = buf.readUInt32BE(16);
			const height = buf.readUInt32BE(20);
			return width && height ? { mime: 'image/png', width, height } : undefined;
		}
		if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
			return readJpegSize(buf);
		}
		if (
			buf.length >= 16 &&
			buf.toString('latin1', 0, 4) === 'RIFF' &&
			buf.toString('latin1', 8, 12) === 'WEBP'
		) {
			return readWebpSize(buf);
		}
	} catch {
		return undefined;
	}
	return undefined;
}
