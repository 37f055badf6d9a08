/**
 * Edit, through n8n-core's real workflow execution with real binary data (both of n8n's
 * binary modes), against the provider double: what each gateway receives in its multipart
 * body, in which order and under which field names, and what the node refuses to send.
 */
import { readImageSize } from '../double/images';
import type { ProviderId } from '../helpers/nanoBanana';
import { imageItem, runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const edit = (provider: ProviderId, model: string, extra: Record<string, unknown> = {}) => ({
	provider,
	operation: 'edit',
	model,
	prompt: 'Put the mug on a beach at sunset',
	...extra,
});

describe.each(['filesystem', 'default'] as const)('binary mode %s', (binaryMode) => {
	test.each([
		['gptGe', 'nano-banana'],
		['tuZi', 'gemini-3-pro-image-preview'],
		['theTurbo', 'gemini-2.5-flash-image'],
		['openAiCompatible', 'nano-banana'],
	] as Array<[ProviderId, string]>)('%s: one image goes out as a real file part, the edit comes back', async (provider, model) => {
		const item = imageItem({ data: { width: 640, height: 480 } });
		const result = await runNanoBanana(double, edit(provider, model, { aspectRatio: '1:1' }), { items: [item], binaryMode });
		expect(result.error).toBeUndefined();

		expect(double.requests).toHaveLength(1);
		const request = double.requests[0];
		expect(request.path).toBe('/v1/images/edits');
		expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.headers.authorization).toBe(`Bearer ${double.apiKey}`);
		expect(request.fields?.model).toEqual([model]);
		expect(request.fields?.prompt).toEqual(['Put the mug on a beach at sunset']);
		expect(request.files).toHaveLength(1);
		const [file] = request.files ?? [];
		expect(file).toMatchObject({ field: 'image', filename: 'data.png', contentType: 'image/png', width: 640, height: 480 });
		expect(file.bytes.equals(item.binary?.data.data as Buffer)).toBe(true);

		expect(result.items).toHaveLength(1);
		const [out] = result.items;
		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json).toMatchObject({ provider, model, operation: 'edit', width: 1024, height: 1024 });
		expect(readImageSize(out.binary.data.bytes)).toMatchObject({ width: 1024, height: 1024 });
		if (binaryMode === 'filesystem') expect(out.binary.data.id).toBeTruthy();
	});
});

test('several images go out in the order given, under the field name V-API documents', async () => {
	const item = imageItem({ product: { width: 300, height: 200 }, style: { width: 200, height: 300, format: 'jpeg' }, logo: { width: 64, height: 64 } });
	const result = await runNanoBanana(double, edit('gptGe', 'nano-banana', { imageProperties: 'style, product,logo' }), { items: [item] });
	expect(result.error).toBeUndefined();
	const files = double.requests[0].files ?? [];
	expect(files.map((f) => [f.field, f.filename, f.contentType, f.width, f.height])).toEqual([
		['image', 'style.jpg', 'image/jpeg', 200, 300],
		['image', 'product.png', 'image/png', 300, 200],
		['image', 'logo.png', 'image/png', 64, 64],
	]);
});

test('TheTurbo: several images as image[], one image as image', async () => {
	const item = imageItem({ a: { width: 100, height: 100 }, b: { width: 120, height: 90 } });
	let result = await runNanoBanana(double, edit('theTurbo', 'gemini-3-pro-image', { imageProperties: 'a,b' }), { items: [item] });
	expect(result.error).toBeUndefined();
	expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image[]', 'image[]']);
	expect(double.requests[0].headers.accept).toMatch(/application\/json/);
	double.reset();
	result = await runNanoBanana(double, edit('theTurbo', 'gemini-3-pro-image', { imageProperties: 'b', options: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' } }), { items: [item] });
	expect(result.error).toBeUndefined();
	expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image']);
	expect(double.requests[0].fields?.media_resolution).toEqual(['MEDIA_RESOLUTION_HIGH']);
});

test('with aspect ratio auto the gateway follows the first image (V-API flash)', async () => {
	const item = imageItem({ data: { width: 1344, height: 768 } });
	const result = await runNanoBanana(double, edit('gptGe', 'nano-banana'), { items: [item] });
	expect(result.error).toBeUndefined();
	expect(double.requests[0].fields?.size).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ width: 1344, height: 768, aspectRatio: 'auto' });
});

test('edit maps ratio and resolution into multipart fields (Tu-zi)', async () => {
	const item = imageItem({ data: { width: 512, height: 512 } });
	const result = await runNanoBanana(double, edit('tuZi', 'gemini-3-pro-image-preview', { aspectRatio: '16:9', resolution: '2K', options: { numberOfImages: 2 } }), { items: [item] });
	expect(result.error).toBeUndefined();
	expect(double.requests[0].fields).toMatchObject({ size: ['1344x768'], quality: ['2k'], n: ['2'] });
	expect(result.items.map((i) => [i.json.width, i.json.height, i.json.index])).toEqual([
		[2688, 1536, 0],
		[2688, 1536, 1],
	]);
});

describe('mask', () => {
	test('sent as the mask part where the gateway takes one', async () => {
		const item = imageItem({ data: { width: 256, height: 256 }, mask: { width: 256, height: 256 } });
		const result = await runNanoBanana(double, edit('tuZi', 'gemini-3-pro-image-preview', { maskProperty: 'mask' }), { items: [item] });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].files?.map((f) => [f.field, f.filename])).toEqual([
			['image', 'data.png'],
			['mask', 'mask.png'],
		]);
		expect(double.requests[0].files?.[1].bytes.equals(item.binary?.mask.data as Buffer)).toBe(true);
	});

	test('reported, not silently dropped, where the dialect has none', async () => {
		const item = imageItem({ data: { width: 256, height: 256 }, mask: { width: 256, height: 256 } });
		const result = await runNanoBanana(double, edit('openAiCompatible', 'gemini-3-pro-image', { maskProperty: 'mask' }), {
			items: [item],
			credential: { dialect: 'theTurbo', baseUrl: double.baseUrlFor('theTurbo') },
		});
		expect(result.error).toBeUndefined();
		expect(double.requests[0].files?.map((f) => f.field)).toEqual(['image']);
		expect((result.items[0].json.warnings as string[]).join('\n')).toMatch(/mask was not sent/);
	});
});

test('several items, each with its own images, keep their order and pairing', async () => {
	const items = [
		imageItem({ data: { width: 100, height: 200 } }),
		imageItem({ data: { width: 300, height: 100 } }),
		imageItem({ data: { width: 50, height: 50 } }),
	];
	const result = await runNanoBanana(double, edit('gptGe', 'nano-banana'), { items });
	expect(result.error).toBeUndefined();
	expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	const sent = double.requests.map((r) => `${r.files?.[0].width}x${r.files?.[0].height}`).sort();
	expect(sent).toEqual(['100x200', '300x100', '50x50']);
});

describe('refused before any request', () => {
	test.each([
		{ name: 'V-API: 7 images, over its 6', provider: 'gptGe' as ProviderId, model: 'nano-banana', count: 7, message: /names 7 images, but V-API \(gpt\.ge\) takes at most 6/ },
		{ name: 'TheTurbo flash: 4 images, over its 3', provider: 'theTurbo' as ProviderId, model: 'gemini-2.5-flash-image', count: 4, message: /TheTurbo \(Zenlayer\) takes at most 3 for "gemini-2.5-flash-image"/ },
	])('$name', async ({ provider, model, count, message }) => {
		const images: Record<string, { width: number; height: number }> = {};
		for (let i = 0; i < count; i++) images[`img${i}`] = { width: 32, height: 32 };
		const result = await runNanoBanana(double, edit(provider, model, { imageProperties: Object.keys(images).join(',') }), { items: [imageItem(images)] });
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\[item 0\]/);
		expect(double.requests).toHaveLength(0);
	});

	test('TheTurbo pro model takes 4 images', async () => {
		const images: Record<string, { width: number; height: number }> = {};
		for (let i = 0; i < 4; i++) images[`img${i}`] = { width: 32, height: 32 };
		const result = await runNanoBanana(double, edit('theTurbo', 'gemini-3-pro-image', { imageProperties: Object.keys(images).join(',') }), { items: [imageItem(images)] });
		expect(result.error).toBeUndefined();
		expect(double.requests[0].files).toHaveLength(4);
	});

	test('a binary property the item does not have', async () => {
		const result = await runNanoBanana(double, edit('gptGe', 'nano-banana', { imageProperties: 'data,photo' }), { items: [imageItem({ data: { width: 10, height: 10 } })] });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"Input Image Properties" names the binary property "photo", but the item has none by that name [item 0]');
		expect(result.error?.description).toMatch(/binary properties are: data/);
		expect(double.requests).toHaveLength(0);
	});

	test.each(['filesystem', 'default'] as const)('a file that is not an image (%s mode)', async (binaryMode) => {
		const item = { json: {}, binary: { data: { data: Buffer.from('name,price\nmug,12\n'), mimeType: 'image/png', fileName: 'prices.png' } } };
		const result = await runNanoBanana(double, edit('tuZi', 'gemini-3-pro-image-preview'), { items: [item], binaryMode });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/"Input Image Properties": the binary property "data" is not a PNG, JPEG or WebP image \[item 0\]/);
		expect(double.requests).toHaveLength(0);
	});

	test('the mask property missing', async () => {
		const result = await runNanoBanana(double, edit('gptGe', 'nano-banana', { maskProperty: 'mask' }), { items: [imageItem({ data: { width: 10, height: 10 } })] });
		expect(result.error?.message).toMatch(/"Mask Property" names the binary property "mask"/);
		expect(double.requests).toHaveLength(0);
	});

	test('no images named at all', async () => {
		const result = await runNanoBanana(double, edit('gptGe', 'nano-banana', { imageProperties: ' , ' }), { items: [imageItem({ data: { width: 10, height: 10 } })] });
		expect(result.error?.message).toMatch(/"Input Image Properties" is empty \[item 0\]/);
		expect(double.requests).toHaveLength(0);
	});
});

test('a wrong key on an edit fails at once with 401 (the multipart body is not re-sent)', async () => {
	const item = imageItem({ data: { width: 64, height: 64 } });
	const result = await runNanoBanana(double, edit('gptGe', 'nano-banana'), { items: [item], credential: { apiKey: 'wrong-key-123456' } });
	expect(result.error?.httpCode).toBe('401');
	expect(double.requests).toHaveLength(1);
}, 10000);
