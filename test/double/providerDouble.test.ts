import { inflateSync } from 'node:zlib';
import FormDataPkg from 'form-data';
import { decode as jpegDecode } from 'jpeg-js';
import { crc32, encodeJpeg, encodePng, makeWebp, readImageSize } from './images';
import {
	canned,
	DEFAULT_API_KEY,
	ERROR_BODIES,
	MODELS,
	startProviderDouble,
	type Dialect,
	type ProviderDouble,
} from './providerDouble';

let double: ProviderDouble;

beforeAll(async () => {
	double = await startProviderDouble();
});

afterEach(() => {
	double.reset();
});

afterAll(async () => {
	await double.close();
});

const auth = (): Record<string, string> => ({
	Authorization: `Bearer ${double.apiKey}`,
	Accept: 'application/json',
});

interface Reply {
	status: number;
	headers: Headers;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	text: string;
}

async function call(
	dialect: Dialect | string,
	path: string,
	init: { method?: string; headers?: Record<string, string>; body?: RequestInit['body'] } = {},
): Promise<Reply> {
	const res = await fetch(`${double.url}/${dialect}${path}`, {
		method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
		headers: init.headers ?? auth(),
		body: init.body,
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, json, text };
}

function generate(
	dialect: Dialect,
	body: Record<string, unknown>,
	headers: Record<string, string> = auth(),
): Promise<Reply> {
	return call(dialect, '/v1/images/generations', {
		headers: { ...headers, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
}

interface Part {
	name: string;
	value: string | Buffer;
	filename?: string;
	type?: string;
}

/** multipart with Node 20's own FormData/Blob (fetch sets the boundary). */
function edit(dialect: Dialect, parts: Part[], headers: Record<string, string> = auth()): Promise<Reply> {
	const fd = new FormData();
	for (const part of parts) {
		if (typeof part.value === 'string') fd.append(part.name, part.value);
		else fd.append(part.name, new Blob([part.value], { type: part.type ?? 'image/png' }), part.filename ?? 'image.png');
	}
	return call(dialect, '/v1/images/edits', { headers, body: fd });
}

/** multipart built with the `form-data` package, as n8n nodes send it. */
function editWithFormDataPkg(
	dialect: Dialect,
	parts: Part[],
	headers: Record<string, string> = auth(),
): Promise<Reply> {
	const fd = new FormDataPkg();
	for (const part of parts) {
		if (typeof part.value === 'string') fd.append(part.name, part.value);
		else fd.append(part.name, part.value, { filename: part.filename ?? 'image.png', contentType: part.type ?? 'image/png' });
	}
	return call(dialect, '/v1/images/edits', {
		headers: { ...headers, ...(fd.getHeaders() as Record<string, string>) },
		body: fd.getBuffer(),
	});
}

async function imageBytes(item: { url?: string; b64_json?: string }): Promise<Buffer> {
	if (item.b64_json !== undefined) return Buffer.from(item.b64_json, 'base64');
	const url = item.url ?? '';
	if (url.startsWith('data:')) return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
	const res = await fetch(url);
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

async function sizesOf(reply: Reply): Promise<string[]> {
	expect(reply.status).toBe(200);
	const out: string[] = [];
	for (const item of reply.json.data) {
		const size = readImageSize(await imageBytes(item));
		out.push(size ? `${size.width}x${size.height}` : 'unreadable');
	}
	return out;
}

const png = (w: number, h: number, seed = 1): Buffer => encodePng(w, h, seed);

/** The inflated IDAT stream of a PNG, and the CRC check of every chunk on the way. */
function pngPixels(buf: Buffer): Buffer {
	let i = 8;
	const idat: Buffer[] = [];
	while (i < buf.length) {
		const len = buf.readUInt32BE(i);
		const type = buf.subarray(i + 4, i + 8);
		const data = buf.subarray(i + 8, i + 8 + len);
		expect(buf.readUInt32BE(i + 8 + len)).toBe(crc32(type, data));
		if (type.toString('latin1') === 'IDAT') idat.push(data);
		i += 12 + len;
	}
	return inflateSync(Buffer.concat(idat));
}

describe('images.ts', () => {
	it('encodes a real PNG: signature, chunk CRCs, filter-0 rows of the right size', () => {
		const buf = encodePng(37, 11, 5);
		expect(readImageSize(buf)).toEqual({ mime: 'image/png', width: 37, height: 11 });
		let i = 8;
		const idat: Buffer[] = [];
		const types: string[] = [];
		while (i < buf.length) {
			const len = buf.readUInt32BE(i);
			const type = buf.subarray(i + 4, i + 8);
			const data = buf.subarray(i + 8, i + 8 + len);
			expect(buf.readUInt32BE(i + 8 + len)).toBe(crc32(type, data));
			types.push(type.toString('latin1'));
			if (type.toString('latin1') === 'IDAT') idat.push(data);
			i += 12 + len;
		}
		expect(types[0]).toBe('IHDR');
		expect(types[types.length - 1]).toBe('IEND');
		const raw = inflateSync(Buffer.concat(idat));
		expect(raw.length).toBe(11 * (1 + 37 * 3));
		for (let y = 0; y < 11; y++) expect(raw[y * (1 + 37 * 3)]).toBe(0);
	});

	it('encodes a real JPEG that jpeg-js decodes to the same size', () => {
		const buf = encodeJpeg(120, 90, 3);
		expect(readImageSize(buf)).toEqual({ mime: 'image/jpeg', width: 120, height: 90 });
		const decoded = jpegDecode(buf);
		expect([decoded.width, decoded.height]).toEqual([120, 90]);
	});

	it('never gives two seeds identical bytes, and the pixels differ too', () => {
		expect(encodePng(64, 64, 1).equals(encodePng(64, 64, 2))).toBe(false);
		expect(pngPixels(encodePng(64, 64, 1)).equals(pngPixels(encodePng(64, 64, 2)))).toBe(false);
		expect(pngPixels(encodePng(64, 64, 3)).equals(pngPixels(encodePng(64, 64, 3)))).toBe(true);
		expect(encodeJpeg(64, 64, 1).equals(encodeJpeg(64, 64, 2))).toBe(false);
	});

	it('makes valid WebP files (VP8L, and VP8X-wrapped) with a correct RIFF size', () => {
		for (const [w, h] of [[1, 1], [300, 200], [16384, 7]] as const) {
			for (const extended of [false, true]) {
				const buf = makeWebp(w, h, { extended });
				expect(buf.toString('latin1', 0, 4)).toBe('RIFF');
				expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
				expect(buf.toString('latin1', 12, 16)).toBe(extended ? 'VP8X' : 'VP8L');
				expect(readImageSize(buf)).toEqual({ mime: 'image/webp', width: w, height: h });
			}
		}
	});

	it('reads VP8 (lossy) headers and rejects what is not an image', () => {
		const vp8 = Buffer.alloc(40);
		vp8.write('RIFF', 0, 'latin1');
		vp8.writeUInt32LE(32, 4);
		vp8.write('WEBPVP8 ', 8, 'latin1');
		vp8.writeUInt32LE(20, 16);
		vp8.set([0x9d, 0x01, 0x2a], 23);
		vp8.writeUInt16LE(640, 26);
		vp8.writeUInt16LE(480, 28);
		expect(readImageSize(vp8)).toEqual({ mime: 'image/webp', width: 640, height: 480 });
		expect(readImageSize(Buffer.from('hello, not an image'))).toBeUndefined();
		expect(readImageSize(Buffer.alloc(0))).toBeUndefined();
		expect(readImageSize(encodePng(4, 4, 1).subarray(0, 20))).toBeUndefined();
		expect(readImageSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 2]))).toBeUndefined();
	});

	it('encodes the largest size (4K 21:9, 6144x2688) quickly', () => {
		const t = Date.now();
		const buf = encodePng(6144, 2688, 9);
		expect(readImageSize(buf)).toEqual({ mime: 'image/png', width: 6144, height: 2688 });
		expect(Date.now() - t).toBeLessThan(5000);
	});
});

describe('auth and models', () => {
	it('uses the default key unless told otherwise', () => {
		expect(double.apiKey).toBe(DEFAULT_API_KEY);
		expect(double.baseUrlFor('tuZi')).toBe(`${double.url}/tuZi`);
		expect(new URL(double.fileHostUrl).port).not.toBe(new URL(double.url).port);
	});

	it.each([
		['GET', '/v1/models'],
		['POST', '/v1/images/generations'],
		['POST', '/v1/images/edits'],
	])('answers 401 on %s %s without the right Bearer key, never echoing it', async (method, path) => {
		for (const headers of [
			{ Accept: 'application/json' },
			{ Accept: 'application/json', Authorization: 'Bearer sk-wrong-key-abcdef' },
			{ Accept: 'application/json', Authorization: double.apiKey },
		] as Array<Record<string, string>>) {
			const reply = await call('gptGe', path, {
				method,
				headers: { ...headers, 'Content-Type': 'application/json' },
				body: method === 'POST' ? JSON.stringify({ model: 'nano-banana', prompt: 'x' }) : undefined,
			});
			expect(reply.status).toBe(401);
			expect(reply.json).toEqual(ERROR_BODIES.invalidApiKey);
			expect(reply.text).not.toContain('sk-wrong-key');
		}
		expect(double.requests).toHaveLength(3);
		expect(double.requests[1].headers.authorization).toBe('Bearer sk-wrong-key-abcdef');
	});

	it.each(['gptGe', 'tuZi', 'theTurbo', 'openai'] as Dialect[])('lists the %s models', async (dialect) => {
		const reply = await call(dialect, '/v1/models');
		expect(reply.status).toBe(200);
		expect(reply.json.object).toBe('list');
		expect(reply.json.data.map((m: { id: string }) => m.id)).toEqual(MODELS[dialect]);
		expect(reply.json.data.every((m: { object: string }) => m.object === 'model')).toBe(true);
		expect(double.requests[0]).toMatchObject({ dialect, method: 'GET', path: '/v1/models' });
	});

	it('answers 404 on unknown paths and dialects, and records them', async () => {
		const a = await call('gptGe', '/v1/completions', { method: 'POST', body: '{}' });
		expect(a.status).toBe(404);
		expect(a.json.error.message).toBe('Invalid URL (POST /v1/completions)');
		const b = await call('nobody', '/v1/models');
		expect(b.status).toBe(404);
		const c = await call('gptGe', '/v1/images/generations');
		expect(c.status).toBe(404);
		expect(double.requests.map((r) => [r.dialect, r.path])).toEqual([
			['gptGe', '/v1/completions'],
			[undefined, '/nobody/v1/models'],
			['gptGe', '/v1/images/generations'],
		]);
	});
});

describe('request validation', () => {
	it('rejects generations whose body is not JSON', async () => {
		const a = await call('openai', '/v1/images/generations', {
			headers: { ...auth(), 'Content-Type': 'text/plain' },
			body: JSON.stringify({ model: 'nano-banana', prompt: 'a cat' }),
		});
		expect(a.status).toBe(400);
		expect(a.json.error.code).toBe('invalid_json');
		const b = await call('openai', '/v1/images/generations', {
			headers: { ...auth(), 'Content-Type': 'application/json' },
			body: '{"model": "nano-banana", ',
		});
		expect(b.status).toBe(400);
		expect(b.json.error.type).toBe('invalid_request_error');
		const c = await call('openai', '/v1/images/generations', {
			headers: { ...auth(), 'Content-Type': 'application/json' },
			body: '[1,2]',
		});
		expect(c.status).toBe(400);
		const d = await generate('openai', { model: 'nano-banana', prompt: 'a cat' });
		expect(d.status).toBe(200);
	});

	it('rejects edits whose body is not multipart', async () => {
		const a = await call('gptGe', '/v1/images/edits', {
			headers: { ...auth(), 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: 'nano-banana', prompt: 'x' }),
		});
		expect(a.status).toBe(400);
		expect(a.json.error.code).toBe('invalid_content_type');
		const b = await call('gptGe', '/v1/images/edits', {
			headers: { ...auth(), 'Content-Type': 'multipart/form-data' },
			body: 'no boundary here',
		});
		expect(b.status).toBe(400);
		expect(b.json.error.code).toBe('invalid_content_type');
	});

	it.each([
		['model', { prompt: 'a cat' }],
		['prompt', { model: 'nano-banana' }],
		['prompt', { model: 'nano-banana', prompt: '   ' }],
	])('answers 400 when %s is missing', async (param, body) => {
		for (const dialect of ['gptGe', 'tuZi', 'theTurbo', 'openai'] as Dialect[]) {
			const reply = await generate(dialect, body);
			expect(reply.status).toBe(400);
			expect(reply.json).toEqual(ERROR_BODIES.missing(param));
		}
		const edit1 = await edit('openai', Object.entries(body).map(([name, value]) => ({ name, value })));
		expect(edit1.status).toBe(400);
		expect(edit1.json.error.param).toBe(param);
	});

	it('requires an image on gptGe and tuZi edits, not on theTurbo and openai', async () => {
		const parts: Part[] = [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'draw a cat' },
		];
		for (const dialect of ['gptGe', 'tuZi'] as Dialect[]) {
			const reply = await edit(dialect, parts);
			expect(reply.status).toBe(400);
			expect(reply.json).toEqual(ERROR_BODIES.missing('image'));
		}
		expect(await sizesOf(await edit('theTurbo', parts))).toEqual(['1024x1024']);
		expect(await sizesOf(await edit('openai', parts))).toEqual(['1024x1024']);
	});

	it('reads only `image` on gptGe (an `image[]` part does not count there)', async () => {
		const reply = await edit('gptGe', [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'edit' },
			{ name: 'image[]', value: png(64, 64) },
		]);
		expect(reply.status).toBe(400);
		expect(reply.json.error.param).toBe('image');
		expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image[]']);
	});

	it('takes at most 6 images on gptGe', async () => {
		const parts = (k: number): Part[] => [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'merge' },
			...Array.from({ length: k }, (_, i) => ({ name: 'image', value: png(16, 16, i), filename: `i${i}.png` })),
		];
		expect((await edit('gptGe', parts(6))).status).toBe(200);
		const seven = await edit('gptGe', parts(7));
		expect(seven.status).toBe(400);
		expect(seven.json.error.code).toBe('too_many_images');
	});

	it('rejects an image part that is not PNG, JPEG or WebP', async () => {
		const reply = await edit('tuZi', [
			{ name: 'model', value: 'gemini-3-pro-image-preview' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: Buffer.from('GIF89a not really'), filename: 'a.gif', type: 'image/gif' },
		]);
		expect(reply.status).toBe(400);
		expect(reply.json.error.code).toBe('invalid_image');
	});

	it('checks `n` (1..10) on tuZi, and ignores it on theTurbo', async () => {
		for (const n of ['0', '11', 'two', '1.5']) {
			const reply = await edit('tuZi', [
				{ name: 'model', value: 'gemini-3-pro-image-preview' },
				{ name: 'prompt', value: 'x' },
				{ name: 'image', value: png(10, 10) },
				{ name: 'n', value: n },
			]);
			expect(reply.status).toBe(400);
			expect(reply.json.error.param).toBe('n');
		}
		const turbo = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x', n: 4 });
		expect(turbo.json.data).toHaveLength(1);
	});

	it('rejects an unknown response_format and sizes that are too large', async () => {
		const a = await generate('openai', { model: 'nano-banana', prompt: 'x', response_format: 'jpeg' });
		expect(a.status).toBe(400);
		expect(a.json.error.param).toBe('response_format');
		const b = await generate('openai', { model: 'nano-banana', prompt: 'x', size: '20000x20000' });
		expect(b.status).toBe(400);
		expect(b.json.error.param).toBe('size');
	});
});

describe('size of the answered image', () => {
	it.each([
		[{ model: 'nano-banana', size: '2:3' }, '832x1248'],
		[{ model: 'nano-banana', size: '21:9' }, '1536x672'],
		[{ model: 'nano-banana', size: '1344x768' }, '1344x768'],
		[{ model: 'nano-banana', size: '1000x1010' }, '1024x1024'],
		[{ model: 'nano-banana' }, '1024x1024'],
		[{ model: 'nano-banana', size: '2k' }, '1024x1024'],
		[{ model: 'gemini-2.5-flash-image', size: '4:5' }, '896x1152'],
		[{ model: 'nano-banana-pro', size: '2k', aspect_ratio: '16:9' }, '2688x1536'],
		[{ model: 'nano-banana-pro', size: '1k', aspect_ratio: '3:4' }, '864x1184'],
		[{ model: 'nano-banana-pro', size: '16:9' }, '1024x1024'],
		[{ model: 'gemini-3-pro-image-preview', size: '4k', aspect_ratio: '1:1' }, '4096x4096'],
		[{ model: 'nano-banana-pro-2k', size: '3:4' }, '1728x2368'],
		[{ model: 'nano-banana-pro-4k', size: '21:9' }, '6144x2688'],
		[{ model: 'nano-banana-pro-2k', aspect_ratio: '16:9' }, '2048x2048'],
	])('gptGe generations %j -> %s', async (body, expected) => {
		const reply = await generate('gptGe', { prompt: 'a banana', ...body });
		expect(await sizesOf(reply)).toEqual([expected]);
	});

	it('gptGe edits without a ratio follow the first image (nearest ratio)', async () => {
		const reply = await edit('gptGe', [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'make it blue' },
			{ name: 'image', value: png(600, 910), filename: 'tall.png' },
			{ name: 'image', value: encodeJpeg(400, 100, 1), filename: 'wide.jpg', type: 'image/jpeg' },
		]);
		expect(await sizesOf(reply)).toEqual(['832x1248']);
		const pro = await edit('gptGe', [
			{ name: 'model', value: 'nano-banana-pro' },
			{ name: 'prompt', value: 'make it blue' },
			{ name: 'size', value: '2k' },
			{ name: 'image', value: makeWebp(1920, 1080), filename: 'w.webp', type: 'image/webp' },
		]);
		expect(await sizesOf(pro)).toEqual(['2688x1536']);
	});

	it.each([
		[{ aspect_ratio: '9:16', image_size: '2K' }, '1536x2688'],
		[{ aspect_ratio: '5:4' }, '1152x896'],
		[{ image_size: '4K' }, '4096x4096'],
		[{ aspect_ratio: '3:2', image_size: '1K', size: '16:9' }, '1248x832'],
	])('theTurbo generations %j -> %s', async (body, expected) => {
		const reply = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x', ...body });
		expect(await sizesOf(reply)).toEqual([expected]);
	});

	it.each([
		[{ size: '1024x768' }, '1024x768'],
		[{ size: '1024x768', quality: '2k' }, '2048x1536'],
		[{ size: '512x512', quality: '4k' }, '2048x2048'],
		[{ quality: '2k' }, '1664x2496'],
		[{ size: '16:9' }, '832x1248'],
		[{ model: 'gemini-3-pro-image-preview-hd' }, '3328x4992'],
	])('tuZi edits %j -> %s (image 2:3)', async (fields, expected) => {
		const parts: Part[] = [
			{ name: 'model', value: 'gemini-3-pro-image-preview' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(200, 300) },
		];
		for (const [name, value] of Object.entries(fields)) {
			const at = parts.findIndex((p) => p.name === name);
			if (at >= 0) parts[at] = { name, value };
			else parts.push({ name, value });
		}
		expect(await sizesOf(await edit('tuZi', parts))).toEqual([expected]);
	});

	it.each([
		[{ size: '1536x1024' }, '1536x1024'],
		[{ size: '16:9' }, '1344x768'],
		[{ size: 'auto' }, '1024x1024'],
		[{}, '1024x1024'],
	])('openai generations %j -> %s', async (body, expected) => {
		const reply = await generate('openai', { model: 'nano-banana', prompt: 'x', ...body });
		expect(await sizesOf(reply)).toEqual([expected]);
	});

	it('openai edits without size follow the source image', async () => {
		const reply = await edit('openai', [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(320, 180) },
		]);
		expect(await sizesOf(reply)).toEqual(['1344x768']);
	});
});

describe('multipart parsing', () => {
	it('records every text field in order and every file part with its size', async () => {
		const jpg = encodeJpeg(90, 60, 2);
		const webp = makeWebp(33, 44);
		const reply = await edit('theTurbo', [
			{ name: 'model', value: 'gemini-3-pro-image' },
			{ name: 'prompt', value: '把猫变成蓝色 (make the cat blue)' },
			{ name: 'image[]', value: png(30, 20), filename: 'one.png' },
			{ name: 'image[]', value: jpg, filename: 'two.jpg', type: 'image/jpeg' },
			{ name: 'image[]', value: webp, filename: 'três.webp', type: 'image/webp' },
			{ name: 'tag', value: 'a' },
			{ name: 'tag', value: 'b' },
			{ name: 'media_resolution', value: 'MEDIA_RESOLUTION_HIGH' },
		]);
		expect(reply.status).toBe(200);
		const req = double.requests[0];
		expect(req.dialect).toBe('theTurbo');
		expect(req.path).toBe('/v1/images/edits');
		expect(req.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(req.rawBodyLength).toBeGreaterThan(jpg.length + webp.length);
		expect(req.fields).toEqual({
			model: ['gemini-3-pro-image'],
			prompt: ['把猫变成蓝色 (make the cat blue)'],
			tag: ['a', 'b'],
			media_resolution: ['MEDIA_RESOLUTION_HIGH'],
		});
		expect(req.files?.map((f) => [f.field, f.filename, f.contentType, f.width, f.height])).toEqual([
			['image[]', 'one.png', 'image/png', 30, 20],
			['image[]', 'two.jpg', 'image/jpeg', 90, 60],
			['image[]', 'três.webp', 'image/webp', 33, 44],
		]);
		expect(req.files?.[1].bytes.equals(jpg)).toBe(true);
		// no aspect_ratio: the first image (3:2) decides
		expect(await sizesOf(reply)).toEqual(['1248x832']);
	});

	it('parses the `form-data` package the same way (theTurbo single `image`, tuZi mask)', async () => {
		const turbo = await editWithFormDataPkg('theTurbo', [
			{ name: 'model', value: 'gemini-2.5-flash-image' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(50, 50), filename: 'input.png' },
			{ name: 'aspect_ratio', value: '16:9' },
		]);
		expect(await sizesOf(turbo)).toEqual(['1344x768']);
		expect(double.requests[0].files?.[0]).toMatchObject({ field: 'image', filename: 'input.png', width: 50 });
		const tuzi = await editWithFormDataPkg('tuZi', [
			{ name: 'model', value: 'gemini-3-pro-image-preview' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(64, 64, 1), filename: 'a.png' },
			{ name: 'image', value: png(64, 64, 2), filename: 'b.png' },
			{ name: 'mask', value: png(64, 64, 3), filename: 'mask.png' },
			{ name: 'n', value: '2' },
		]);
		expect(tuzi.status).toBe(200);
		expect(tuzi.json.data).toHaveLength(2);
		expect(double.requests[1].files?.map((f) => f.field)).toEqual(['image', 'image', 'mask']);
	});

	it('limits theTurbo flash to 3 images and pro to 14', async () => {
		const parts = (model: string, k: number): Part[] => [
			{ name: 'model', value: model },
			{ name: 'prompt', value: 'x' },
			...Array.from({ length: k }, (_, i) => ({ name: 'image[]', value: png(8, 8, i) })),
		];
		expect((await edit('theTurbo', parts('gemini-2.5-flash-image', 3))).status).toBe(200);
		expect((await edit('theTurbo', parts('gemini-2.5-flash-image', 4))).status).toBe(400);
		expect((await edit('theTurbo', parts('gemini-3-pro-image', 14))).status).toBe(200);
		expect((await edit('theTurbo', parts('gemini-3-pro-image', 15))).status).toBe(400);
	});
});

describe('theTurbo Accept header', () => {
	it('answers 406 on image routes without Accept: application/json', async () => {
		const headers = { Authorization: `Bearer ${double.apiKey}` };
		const a = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x' }, headers);
		expect(a.status).toBe(406);
		expect(a.json).toEqual(ERROR_BODIES.notAcceptable);
		const b = await edit('theTurbo', [{ name: 'model', value: 'm' }, { name: 'prompt', value: 'x' }], {
			...headers,
			Accept: 'text/html',
		});
		expect(b.status).toBe(406);
		const c = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x' }, {
			...headers,
			Accept: 'application/json, text/plain, */*',
		});
		expect(c.status).toBe(200);
		// other dialects do not care
		expect((await generate('openai', { model: 'nano-banana', prompt: 'x' }, headers)).status).toBe(200);
	});
});

describe('answer formats and the file host', () => {
	it('answers gptGe nano-banana with URLs on another origin, served and recorded', async () => {
		const reply = await generate('gptGe', { model: 'nano-banana', prompt: 'two cats', n: 2, size: '1:1' });
		expect(reply.status).toBe(200);
		expect(typeof reply.json.created).toBe('number');
		expect(reply.json.data).toHaveLength(2);
		const urls: string[] = reply.json.data.map((d: { url: string }) => d.url);
		for (const u of urls) {
			expect(u.startsWith(`${double.fileHostUrl}/files/`)).toBe(true);
			expect(new URL(u).origin).not.toBe(new URL(double.url).origin);
		}
		const res = await fetch(urls[0], { headers: { 'X-Probe': 'yes' } });
		expect(res.headers.get('content-type')).toBe('image/png');
		const first = Buffer.from(await res.arrayBuffer());
		const second = await imageBytes(reply.json.data[1]);
		expect(first.equals(second)).toBe(false);
		expect(double.downloads.map((d) => d.path)).toEqual(urls.map((u) => new URL(u).pathname));
		expect(double.downloads[0].headers['x-probe']).toBe('yes');
		expect(double.downloads.every((d) => d.headers.authorization === undefined)).toBe(true);
		expect(double.requests).toHaveLength(1); // downloads are not API requests
		expect(reply.json.usage).toEqual({
			input_tokens: expect.any(Number),
			input_tokens_details: { image_tokens: 0, text_tokens: expect.any(Number) },
			output_tokens: expect.any(Number),
			total_tokens: expect.any(Number),
		});
		// an unknown file is a 404 (and recorded)
		expect((await fetch(`${double.fileHostUrl}/files/nope.png`)).status).toBe(404);
		expect(double.downloads).toHaveLength(3);
	});

	it('follows the per-dialect defaults and response_format', async () => {
		const g = await generate('gptGe', { model: 'gemini-2.5-flash-image', prompt: 'x', response_format: 'url' });
		expect(Object.keys(g.json.data[0])).toEqual(['b64_json']);
		const g3 = await generate('gptGe', { model: 'gemini-3-pro-image-preview', prompt: 'x' });
		expect(Object.keys(g3.json.data[0])).toEqual(['b64_json']);
		const gb = await generate('gptGe', { model: 'nano-banana', prompt: 'x', response_format: 'b64_json' });
		expect(Object.keys(gb.json.data[0])).toEqual(['b64_json']);
		const t = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x', response_format: 'url' });
		expect(Object.keys(t.json.data[0])).toEqual(['b64_json']);
		expect(t.json.usage).toBeUndefined();
		const o = await generate('openai', { model: 'nano-banana', prompt: 'x' });
		expect(Object.keys(o.json.data[0])).toEqual(['url']);
		const ob = await generate('openai', { model: 'nano-banana', prompt: 'x', response_format: 'b64_json' });
		expect(readImageSize(await imageBytes(ob.json.data[0]))?.mime).toBe('image/png');
		const z = await edit('tuZi', [
			{ name: 'model', value: 'gemini-3-pro-image-preview' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(10, 10) },
		]);
		expect(Object.keys(z.json.data[0])).toEqual(['url']);
		expect(z.json.usage).toBeUndefined();
		const ge = await edit('gptGe', [
			{ name: 'model', value: 'nano-banana' },
			{ name: 'prompt', value: 'x' },
			{ name: 'image', value: png(10, 10) },
		]);
		expect(ge.json.usage).toBeUndefined();
	});

	it('obeys settings: answer, imageFormat, usage', async () => {
		double.settings.answer = 'data_url';
		double.settings.imageFormat = 'jpeg';
		double.settings.usage = true;
		const reply = await generate('tuZi', { model: 'gemini-3-pro-image-preview', prompt: 'x', size: '300x200' });
		const url: string = reply.json.data[0].url;
		expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
		expect(readImageSize(await imageBytes(reply.json.data[0]))).toEqual({ mime: 'image/jpeg', width: 300, height: 200 });
		expect(reply.json.usage.total_tokens).toBeGreaterThan(0);
		double.settings.answer = 'url';
		const t = await generate('theTurbo', { model: 'gemini-3-pro-image', prompt: 'x' });
		const u: string = t.json.data[0].url;
		expect(u).toMatch(/\.jpg$/);
		expect((await fetch(u)).headers.get('content-type')).toBe('image/jpeg');
		double.reset();
		expect(double.settings).toEqual({ latencyMs: 0, imageFormat: 'png', answer: 'auto', usage: false, chatAnswer: 'images', maxInFlight: 0, limitRetryAfter: 1 });
		expect(double.files.size).toBe(0);
		expect((await fetch(u)).status).toBe(404); // reset forgets the files: the URL has "expired"
	});
});

describe("an account's limit on requests in flight", () => {
	it('takes maxInFlight at once and answers 429 with Retry-After above that, at once', async () => {
		double.settings.maxInFlight = 2;
		double.settings.latencyMs = 300;
		const started = performance.now();
		const replies = await Promise.all(
			[0, 1, 2, 3].map(async (i) => {
				await new Promise((resolve) => setTimeout(resolve, i * 20));
				const reply = await generate('openai', { model: 'nano-banana', prompt: `p${i}`, size: '64x64' });
				return { reply, ms: performance.now() - started };
			}),
		);
		expect(replies.map((r) => r.reply.status)).toEqual([200, 200, 429, 429]);
		expect(replies[2].reply.headers.get('retry-after')).toBe('1');
		expect(replies[2].reply.json.error.type).toBe('rate_limit_error');
		expect(replies[3].ms).toBeLessThan(250);
		expect(double.limit).toEqual({ rejected: 2, peak: 2, inFlight: 0 });
		// Once the two are done, there is room again.
		expect((await generate('openai', { model: 'nano-banana', prompt: 'again', size: '64x64' })).status).toBe(200);
	});

	it('answers latencyMs after the request arrived: the image is made during that wait, not after it', async () => {
		// What making a 4096x4096 PNG costs on this machine right now (the double makes one below).
		const t = performance.now();
		encodePng(4096, 4096, 99);
		const makeMs = performance.now() - t;
		double.settings.latencyMs = 1000;
		const started = performance.now();
		const reply = await generate('openai', { model: 'nano-banana', prompt: 'a big one', size: '4096x4096', response_format: 'b64_json' });
		const ms = performance.now() - started;
		expect(reply.status).toBe(200);
		expect(ms).toBeGreaterThanOrEqual(995);
		// Made after the wait it would come at 1000 ms + makeMs (+ sending); made during it, well before.
		expect(ms).toBeLessThan(1000 + makeMs * 0.6);
	});
});

describe('scripted responses', () => {
	it('replays status, headers and body in order, then answers normally again', async () => {
		double.enqueue(
			{ status: 429, headers: { 'Retry-After': '2' }, body: { error: { message: 'slow down' } } },
			{ status: 200, body: 'plain words' },
			{ status: 503 },
		);
		const a = await generate('openai', { model: 'nano-banana', prompt: 'x' });
		expect([a.status, a.headers.get('retry-after'), a.json]).toEqual([429, '2', { error: { message: 'slow down' } }]);
		const b = await generate('openai', { model: 'nano-banana', prompt: 'x' });
		expect([b.status, b.text, b.headers.get('content-type')]).toEqual([200, 'plain words', 'text/plain; charset=utf-8']);
		const c = await call('openai', '/v1/models');
		expect(c.status).toBe(503);
		expect(c.json.error.type).toBe('scripted_error');
		const d = await generate('openai', { model: 'nano-banana', prompt: 'x' });
		expect(d.status).toBe(200);
		expect(double.requests).toHaveLength(4);
	});

	it('only uses an entry for the requests it matches', async () => {
		double.enqueue({ status: 500, body: { error: { message: 'edits broke' } }, match: (r) => r.path === '/v1/images/edits' });
		expect((await generate('openai', { model: 'nano-banana', prompt: 'x' })).status).toBe(200);
		const e = await edit('openai', [{ name: 'model', value: 'nano-banana' }, { name: 'prompt', value: 'x' }]);
		expect(e.status).toBe(500);
		expect((await edit('openai', [{ name: 'model', value: 'nano-banana' }, { name: 'prompt', value: 'x' }])).status).toBe(200);
		// match sees the parsed request
		double.enqueue({ body: canned.emptyData().body, match: (r) => r.json?.model === 'special' });
		expect((await generate('openai', { model: 'nano-banana', prompt: 'x' })).json.data).toHaveLength(1);
		expect((await generate('openai', { model: 'special', prompt: 'x' })).json.data).toEqual([]);
	});

	it('delays an answer, and a client timeout leaves the double working', async () => {
		double.enqueue({ delayMs: 300, headers: { 'X-Scripted': '1' } });
		const t = Date.now();
		const a = await generate('openai', { model: 'nano-banana', prompt: 'x' });
		expect(Date.now() - t).toBeGreaterThanOrEqual(280);
		expect(a.status).toBe(200);
		expect(a.headers.get('x-scripted')).toBe('1');
		expect(a.json.data).toHaveLength(1);

		double.enqueue({ delayMs: 2000 });
		await expect(
			fetch(`${double.baseUrlFor('openai')}/v1/models`, { headers: auth(), signal: AbortSignal.timeout(150) }),
		).rejects.toThrow();
		expect((await call('openai', '/v1/models')).status).toBe(200);
	});

	it('applies settings.latencyMs to every answer', async () => {
		double.settings.latencyMs = 200;
		const t = Date.now();
		expect((await call('gptGe', '/v1/models')).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(180);
	});

	it('drops the connection without an answer, or in the middle of the body', async () => {
		double.enqueue({ dropConnection: true });
		await expect(generate('openai', { model: 'nano-banana', prompt: 'x' })).rejects.toThrow();
		double.enqueue({ dropMidBody: true });
		const res = await fetch(`${double.baseUrlFor('openai')}/v1/images/generations`, {
			method: 'POST',
			headers: { ...auth(), 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: 'nano-banana', prompt: 'x', response_format: 'b64_json' }),
		});
		expect(res.status).toBe(200);
		await expect(res.arrayBuffer()).rejects.toThrow();
		double.enqueue({ dropMidBody: true, status: 200, body: { data: [{ url: 'x'.repeat(5000) }] } });
		await expect(
			fetch(`${double.baseUrlFor('gptGe')}/v1/models`, { headers: auth() }).then((r) => r.text()),
		).rejects.toThrow();
		expect(double.requests).toHaveLength(3);
		expect((await call('openai', '/v1/models')).status).toBe(200);
	});

	it('offers canned "no image" and busy-upstream answers', async () => {
		double.enqueue(canned.revisedPromptOnly(), canned.errorIn200(), canned.markdownText(), canned.saturated(429, 3));
		const a = await generate('gptGe', { model: 'nano-banana', prompt: 'hi' });
		expect(a.json.data[0]).toEqual({ revised_prompt: expect.any(String) });
		const b = await generate('gptGe', { model: 'nano-banana', prompt: 'hi' });
		expect(b.status).toBe(200);
		expect(b.json.error.message).toBe('当前分组上游负载已饱和，请稍后再试');
		const c = await generate('gptGe', { model: 'nano-banana', prompt: 'hi' });
		expect(c.json.data[0].revised_prompt).toContain('![image](');
		const d = await generate('gptGe', { model: 'nano-banana', prompt: 'hi' });
		expect([d.status, d.headers.get('retry-after')]).toEqual([429, '3']);
	});
});

describe('lifecycle', () => {
	it('starts with its own key and latency, and closes with keep-alive sockets open', async () => {
		const other = await startProviderDouble({ apiKey: 'k2', latencyMs: 10 });
		expect(other.settings.latencyMs).toBe(10);
		const ok = await fetch(`${other.baseUrlFor('openai')}/v1/models`, { headers: { Authorization: 'Bearer k2' } });
		expect(ok.status).toBe(200);
		await ok.text();
		const bad = await fetch(`${other.baseUrlFor('openai')}/v1/models`, { headers: auth() });
		expect(bad.status).toBe(401);
		await bad.text();
		other.enqueue({ delayMs: 5000 });
		const pending = fetch(`${other.baseUrlFor('openai')}/v1/models`, { headers: { Authorization: 'Bearer k2' } });
		await new Promise((r) => setTimeout(r, 50));
		const t = Date.now();
		await other.close();
		expect(Date.now() - t).toBeLessThan(1000);
		await expect(pending).rejects.toThrow();
		await other.close(); // twice is fine
	});

	it('never crashes on odd input', async () => {
		const odd = [
			generate('gptGe', { model: { a: 1 }, prompt: ['x'] }),
			generate('tuZi', { model: 'm', prompt: 'x', size: '0x0' }),
			call('openai', '/v1/images/edits', {
				headers: { ...auth(), 'Content-Type': 'multipart/form-data; boundary=xyz' },
				body: '--xyz\r\nContent-Disposition: form-data; name="model"\r\n\r\nm\r\n--xy',
			}),
			call('gptGe', '/%E0%A4%A/v1/models'),
		];
		const statuses = (await Promise.all(odd)).map((r) => r.status);
		expect(statuses).toEqual([400, 200, 400, 404]);
		expect((await call('gptGe', '/v1/models')).status).toBe(200);
	});
});
