/**
 * What kind of image a buffer holds, read from its first bytes (never from a file name or
 * a Content-Type header, which gateways get wrong), and its width and height from the
 * header: gateways sometimes ignore the ratio asked for, so users see what came back.
 */
export interface ImageInfo {
	mimeType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
	extension: 'png' | 'jpg' | 'webp' | 'gif';
	width?: number;
	height?: number;
}

function isPng(b: Buffer) {
	return b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a;
}

function isJpeg(b: Buffer) {
	return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function isWebp(b: Buffer) {
	return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
}

function isGif(b: Buffer) {
	return b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6));
}

function pngSize(b: Buffer) {
	// IHDR is always the first chunk: width and height at bytes 16 and 20.
	if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return {};
	return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpegSize(b: Buffer) {
	let offset = 2;
	while (offset + 4 <= b.length) {
		if (b[offset] !== 0xff) return {};
		const marker = b[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2; // markers without a length
			continue;
		}
		const length = b.readUInt16BE(offset + 2);
		// Start-of-frame markers (baseline, progressive, ...) carry the size; C4, C8 and CC do not.
		const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrame) {
			if (offset + 9 > b.length) return {};
			return { height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) };
		}
		offset += 2 + length;
	}
	return {};
}

function webpSize(b: Buffer) {
	const chunk = b.toString('latin1', 12, 16);
	if (chunk === 'VP8X' && b.length >= 30) {
		return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
	}
	if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
		const bits = b.readUInt32LE(21);
		return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
	}
	if (chunk === 'VP8 ' && b.length >= 30) {
		return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	}
	return {};
}

function gifSize(b: Buffer) {
	return b.length >= 10 ? { width: b.readUInt16LE(6), height: b.readUInt16LE(8) } : {};
}

export function readImageInfo(bytes: Buffer): ImageInfo | undefined {
	if (isPng(bytes)) return { mimeType: 'image/png', extension: 'png', ...pngSize(bytes) };
	if (isJpeg(bytes)) return { mimeType: 'image/jpeg', extension: 'jpg', ...jpegSize(bytes) };
	if (isWebp(bytes)) return { mimeType: 'image/webp', extension: 'webp', ...webpSize(bytes) };
	if (isGif(bytes)) return { mimeType: 'image/gif', extension: 'gif', ...gifSize(bytes) };
	return undefined;
}

/** Formats the Gemini image models accept as input (seed 000: png, jpeg, jpg, webp). */
export const INPUT_MIME_TYPES: ReadonlyArray<ImageInfo['mimeType']> = ['image/png', 'image/jpeg', 'image/webp'];

/** A short, printable description of bytes that are not an image, for error messages. */
export function describeNonImage(bytes: Buffer): string {
	if (bytes.length === 0) return 'it is empty';
	const head = bytes.subarray(0, 200).toString('utf8');
	if (/^\s*</.test(head)) return 'it looks like an HTML or XML page';
	if (/^\s*[{[]/.test(head)) return 'it looks like JSON text';
	return `it starts with bytes ${bytes.subarray(0, 8).toString('hex')}`;
}
