/**
 * Generate, through n8n-core's real workflow execution, against the provider double: what
 * each gateway receives for each aspect ratio and resolution, and the images that come back.
 */
import type { Dialect } from '../double/providerDouble';
import { readImageSize } from '../double/images';
import type { ProviderId } from '../helpers/nanoBanana';
import { runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const generate = (provider: ProviderId, model: string, extra: Record<string, unknown> = {}) => ({
	provider,
	operation: 'generate',
	model,
	prompt: 'A product photo of a yellow ceramic mug',
	...extra,
});

interface MappingCase {
	name: string;
	provider: ProviderId;
	model: string;
	aspectRatio: string;
	resolution: string;
	dialect?: string;
	sent: Record<string, unknown>;
	notSent: string[];
	size: [number, number];
	warning?: RegExp;
}

// What each gateway's document says the fields are (seeds 000-004), and the pixel size the
// double makes for them.
const mappings: MappingCase[] = [
	{ name: 'V-API flash model: ratio in size', provider: 'gptGe', model: 'nano-banana', aspectRatio: '16:9', resolution: 'auto', sent: { size: '16:9' }, notSent: ['aspect_ratio'], size: [1344, 768] },
	{ name: 'V-API gemini-2.5-flash-image: ratio in size', provider: 'gptGe', model: 'gemini-2.5-flash-image', aspectRatio: '4:5', resolution: 'auto', sent: { size: '4:5' }, notSent: ['aspect_ratio'], size: [896, 1152] },
	{ name: 'V-API pro model: 2k in size, ratio in aspect_ratio', provider: 'gptGe', model: 'nano-banana-pro', aspectRatio: '16:9', resolution: '2K', sent: { size: '2k', aspect_ratio: '16:9' }, notSent: [], size: [2688, 1536] },
	{ name: 'V-API gemini-3-pro-image-preview 1K 3:4', provider: 'gptGe', model: 'gemini-3-pro-image-preview', aspectRatio: '3:4', resolution: '1K', sent: { size: '1k', aspect_ratio: '3:4' }, notSent: [], size: [864, 1184] },
	{ name: 'V-API -2k alias: ratio in size', provider: 'gptGe', model: 'nano-banana-pro-2k', aspectRatio: '2:3', resolution: 'auto', sent: { size: '2:3' }, notSent: ['aspect_ratio'], size: [1664, 2496] },
	{ name: 'V-API flash model asked for 4K: warned, not sent', provider: 'gptGe', model: 'nano-banana', aspectRatio: '1:1', resolution: '4K', sent: { size: '1:1' }, notSent: ['aspect_ratio', 'quality', 'image_size'], size: [1024, 1024], warning: /Resolution 4K was not sent/ },
	{ name: 'V-API -4k alias asked for 2K: warned', provider: 'gptGe', model: 'nano-banana-pro-4k', aspectRatio: '21:9', resolution: '2K', sent: { size: '21:9' }, notSent: ['aspect_ratio'], size: [6144, 2688], warning: /always makes 4K/ },
	{ name: 'Tu-zi: {w}x{h} size and quality', provider: 'tuZi', model: 'gemini-3-pro-image-preview', aspectRatio: '3:2', resolution: '2K', sent: { size: '1248x832', quality: '2k' }, notSent: ['aspect_ratio'], size: [2496, 1664] },
	{ name: 'Tu-zi flash model: quality not sent, warned', provider: 'tuZi', model: 'gemini-2.5-flash-image', aspectRatio: '9:16', resolution: '2K', sent: { size: '768x1344' }, notSent: ['quality'], size: [768, 1344], warning: /quality setting only applies to pro/ },
	{ name: 'TheTurbo: aspect_ratio and image_size', provider: 'theTurbo', model: 'gemini-3-pro-image', aspectRatio: '21:9', resolution: '1K', sent: { aspect_ratio: '21:9', image_size: '1K' }, notSent: ['size'], size: [1536, 672] },
	{ name: 'TheTurbo 4K 5:4', provider: 'theTurbo', model: 'gemini-3.1-flash-image', aspectRatio: '5:4', resolution: '4K', sent: { aspect_ratio: '5:4', image_size: '4K' }, notSent: ['size'], size: [4608, 3584] },
	{ name: 'OpenAI-style: size in pixels carries the resolution', provider: 'openAiCompatible', model: 'nano-banana', aspectRatio: '4:3', resolution: '2K', sent: { size: '2368x1728' }, notSent: ['aspect_ratio', 'quality'], size: [2368, 1728] },
	{ name: 'OpenAI-compatible gateway speaking the TheTurbo dialect', provider: 'openAiCompatible', model: 'gemini-3-pro-image', dialect: 'theTurbo', aspectRatio: '16:9', resolution: '2K', sent: { aspect_ratio: '16:9', image_size: '2K' }, notSent: ['size'], size: [2688, 1536] },
	{ name: 'OpenAI-compatible gateway speaking the V-API dialect', provider: 'openAiCompatible', model: 'nano-banana-pro', dialect: 'gptGe', aspectRatio: '9:16', resolution: '2K', sent: { size: '2k', aspect_ratio: '9:16' }, notSent: [], size: [1536, 2688] },
	{ name: 'auto and auto: no size field at all', provider: 'gptGe', model: 'nano-banana-pro', aspectRatio: 'auto', resolution: 'auto', sent: {}, notSent: ['size', 'aspect_ratio'], size: [1024, 1024] },
];

describe('aspect ratio and resolution, per provider', () => {
	test.each(mappings)('$name', async (c) => {
		const result = await runNanoBanana(double, generate(c.provider, c.model, { aspectRatio: c.aspectRatio, resolution: c.resolution }), {
			// A generic gateway that speaks another gateway's dialect: the double's route for that dialect.
			credential: c.dialect ? { dialect: c.dialect, baseUrl: double.baseUrlFor(c.dialect as Dialect) } : {},
		});
		expect(result.error).toBeUndefined();
		expect(double.requests).toHaveLength(1);
		const request = double.requests[0];
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v1/images/generations');
		expect(request.contentType).toMatch(/^application\/json/);
		expect(request.json).toMatchObject({ model: c.model, prompt: 'A product photo of a yellow ceramic mug', ...c.sent });
		for (const field of c.notSent) expect(request.json).not.toHaveProperty(field);

		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		const bytes = item.binary.data.bytes;
		expect(readImageSize(bytes)).toMatchObject({ width: c.size[0], height: c.size[1] });
		expect(item.json).toMatchObject({ width: c.size[0], height: c.size[1], model: c.model, aspectRatio: c.aspectRatio, resolution: c.resolution });
		if (c.warning) expect((item.json.warnings as string[]).join('\n')).toMatch(c.warning);
		else expect(item.json.warnings).toBeUndefined();
	});
});

describe('answers', () => {
	test('a URL answer is downloaded from the other host without the API key', async () => {
		double.settings.answer = 'url';
		const result = await runNanoBanana(double, generate('tuZi', 'gemini-3-pro-image-preview', { aspectRatio: '1:1' }));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(String(item.json.url)).toMatch(new RegExp(`^${double.fileHostUrl}/files/`));
		expect(double.downloads).toHaveLength(1);
		expect(double.downloads[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(double.downloads[0].headers)).not.toContain(double.apiKey);
		const served = double.files.get(String(item.json.url).split('/').pop() as string);
		expect(served && item.binary.data.bytes.equals(served.bytes)).toBe(true);
	});

	test('a base64 answer is decoded; no url and no base64 in json', async () => {
		double.settings.answer = 'b64_json';
		const result = await runNanoBanana(double, generate('openAiCompatible', 'nano-banana', { aspectRatio: '3:2', options: { responseFormat: 'b64_json' } }));
		expect(result.error).toBeUndefined();
		expect(double.requests[0].json?.response_format).toBe('b64_json');
		const [item] = result.items;
		expect(item.json.url).toBeUndefined();
		expect(readImageSize(item.binary.data.bytes)).toMatchObject({ width: 1248, height: 832 });
		expect(JSON.stringify(item.json).length).toBeLessThan(2000);
	});

	test('a data: URL answer is decoded and not reported as a url', async () => {
		double.settings.answer = 'data_url';
		const result = await runNanoBanana(double, generate('gptGe', 'nano-banana', { aspectRatio: '9:16' }));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json.url).toBeUndefined();
		expect(double.downloads).toHaveLength(0);
		expect(readImageSize(item.binary.data.bytes)).toMatchObject({ width: 768, height: 1344 });
	});

	test('JPEG answers keep their type, extension and size', async () => {
		double.settings.imageFormat = 'jpeg';
		const result = await runNanoBanana(double, generate('theTurbo', 'gemini-2.5-flash-image', { aspectRatio: '16:9' }));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.binary.data.mimeType).toBe('image/jpeg');
		expect(item.binary.data.fileName).toMatch(/\.jpg$/);
		expect(item.json).toMatchObject({ mimeType: 'image/jpeg', width: 1344, height: 768, fileSize: item.binary.data.bytes.length });
		expect(item.binary.data.bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
	});

	test('V-API usage block is passed on', async () => {
		const result = await runNanoBanana(double, generate('gptGe', 'gemini-2.5-flash-image'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.usage).toMatchObject({ total_tokens: expect.any(Number), input_tokens_details: expect.any(Object) });
	});

	test('the output property name is honoured', async () => {
		const result = await runNanoBanana(double, generate('gptGe', 'nano-banana', { options: { outputProperty: 'poster' } }));
		expect(Object.keys(result.items[0].binary)).toEqual(['poster']);
		expect(readImageSize(result.items[0].binary.poster.bytes)).toBeDefined();
	});
});

describe('number of images', () => {
	test('sent as n where the gateway has it: one request, three items', async () => {
		const result = await runNanoBanana(double, generate('tuZi', 'gemini-3-pro-image-preview', { options: { numberOfImages: 3 } }));
		expect(result.error).toBeUndefined();
		expect(double.requests).toHaveLength(1);
		expect(double.requests[0].json?.n).toBe(3);
		expect(result.items.map((i) => i.json.index)).toEqual([0, 1, 2]);
		expect(result.items.every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
		const hashes = new Set(result.items.map((i) => i.binary.data.bytes.toString('base64')));
		expect(hashes.size).toBe(3);
	});

	test('TheTurbo has no n: one request per image, and url format reported as not sent', async () => {
		const result = await runNanoBanana(double, generate('theTurbo', 'gemini-3-pro-image', { options: { numberOfImages: 2, responseFormat: 'url' } }));
		expect(result.error).toBeUndefined();
		expect(double.requests).toHaveLength(2);
		for (const r of double.requests) {
			expect(r.json).not.toHaveProperty('n');
			expect(r.json).not.toHaveProperty('response_format');
		}
		expect(result.items).toHaveLength(2);
		expect((result.items[0].json.warnings as string[]).join('\n')).toMatch(/Response format "url" was not sent/);
	});
});

describe('several input items', () => {
	test('one output per item, in order, each paired with its input', async () => {
		const items = [0, 1, 2, 3].map((i) => ({ json: { i } }));
		const result = await runNanoBanana(double, { ...generate('gptGe', 'nano-banana'), prompt: '={{ "Poster number " + $json.i }}' }, { items });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items.map((i) => i.json.prompt)).toEqual(['Poster number 0', 'Poster number 1', 'Poster number 2', 'Poster number 3']);
		expect(double.requests.map((r) => r.json?.prompt).sort()).toEqual(['Poster number 0', 'Poster number 1', 'Poster number 2', 'Poster number 3']);
	});
});

test('extra request fields are merged into the request', async () => {
	const result = await runNanoBanana(double, generate('tuZi', 'gemini-3-pro-image-preview', { options: { extraFields: '{"user": "campaign-42"}' } }));
	expect(result.error).toBeUndefined();
	expect(double.requests[0].json?.user).toBe('campaign-42');
});

test('the credential base URL may end in /v1/', async () => {
	const result = await runNanoBanana(double, generate('gptGe', 'nano-banana'), { credential: { baseUrl: `${double.baseUrlFor('gptGe')}/v1/` } });
	expect(result.error).toBeUndefined();
	expect(double.requests[0].path).toBe('/v1/images/generations');
});
