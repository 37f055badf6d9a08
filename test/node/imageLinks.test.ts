/**
 * Issue #11: Edit with Image Source "Image URLs", through n8n-core's real engine against the
 * provider double. The links point at the double's file host (another origin than the gateway):
 * the images it serves must reach every route byte for byte, in order, downloaded without the
 * key; a bad link stops the item before any gateway call, naming the item, the field and the link.
 */
import type { INodeParameters } from 'n8n-workflow';

import { encodeJpeg, encodePng } from '../double/images';
import type { RecordedRequest } from '../double/providerDouble';
import type { ProviderId } from '../helpers/nanoBanana';
import { runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const MUG = encodePng(640, 480, 5);
const STYLE = encodeJpeg(300, 300, 6);

beforeEach(() => {
	double.files.set('mug.png', { bytes: MUG, contentType: 'image/png' });
	double.files.set('style.jpg', { bytes: STYLE, contentType: 'image/jpeg' });
});

const link = (name: string, query = '') => `${double.fileHostUrl}/files/${name}${query}`;

const edit = (provider: ProviderId, model: string, imageUrls: unknown, extra: Record<string, unknown> = {}): INodeParameters => ({
	provider,
	operation: 'edit',
	model,
	prompt: 'Put the mug on a beach towel, in the style of the second image',
	imageSource: 'url',
	imageUrls: imageUrls as string,
	...extra,
});

const apiCalls = () => double.requests.filter((r) => r.method === 'POST');

/** The image bytes a request carried, in order, whatever the route's wire format. */
function sentImages(r: RecordedRequest): Buffer[] {
	if (r.files) return r.files.filter((f) => f.field.startsWith('image')).map((f) => f.bytes);
	const json = r.json ?? {};
	if (json.contents) {
		const parts = (json.contents as Array<{ parts: Array<{ inlineData?: { data: string } }> }>)[0].parts;
		return parts.filter((p) => p.inlineData).map((p) => Buffer.from((p.inlineData as { data: string }).data, 'base64'));
	}
	const content = (json.messages as Array<{ content: Array<{ image_url?: { url: string } }> }>)[0].content;
	return content.filter((p) => p.image_url).map((p) => Buffer.from((p.image_url as { url: string }).url.split(',')[1], 'base64'));
}

describe('Image URLs reach every route, byte for byte, in order', () => {
	const routes: Array<[string, ProviderId, string, Record<string, string>]> = [
		['an OpenAI-style images endpoint (multipart)', 'openAiCompatible', 'nano-banana', {}],
		["an OpenAI-compatible gateway's chat completions", 'openAiCompatible', 'nano-banana', { endpoint: 'chatCompletions' }],
		['V-API', 'gptGe', 'nano-banana', {}],
		['Tu-zi', 'tuZi', 'gemini-3-pro-image-preview', {}],
		['TheTurbo', 'theTurbo', 'gemini-2.5-flash-image', {}],
		["Google's Gemini API (inlineData)", 'google', 'gemini-2.5-flash-image', {}],
		['OpenRouter (chat completions, data URLs)', 'openRouter', 'google/gemini-2.5-flash-image', {}],
	];
	test.each(routes)('%s', async (_name, provider, model, credential) => {
		// A comma inside a link (an image CDN's transformation) does not split it.
		const urls = `${link('mug.png', '?t=w_500,h_300')}, ${link('style.jpg')}`;
		const result = await runNanoBanana(double, edit(provider, model, urls), { credential });
		expect(result.error).toBeUndefined();
		const [call] = apiCalls();
		if (credential.endpoint) expect(call.path).toBe('/v1/chat/completions');
		expect(sentImages(call).map((b) => b.toString('base64'))).toEqual([MUG, STYLE].map((b) => b.toString('base64')));
		// The inputs first (an answer given as a link is downloaded after).
		expect(double.downloads.slice(0, 2).map((d) => d.path)).toEqual(['/files/mug.png', '/files/style.jpg']);
		for (const d of double.downloads) expect(serialiseDeep(d.headers)).not.toContain(double.apiKey);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].binary.data.bytes.length).toBeGreaterThan(0);
	});

	test('one link per line, and an expression that returns a list', async () => {
		const lines = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', `${link('style.jpg')}\n${link('mug.png')}\n`));
		expect(lines.error).toBeUndefined();
		expect(sentImages(apiCalls()[0])).toEqual([STYLE, MUG]);
		double.requests.length = 0;
		const list = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', `={{ ["${link('mug.png')}", "${link('style.jpg')}"] }}`));
		expect(list.error).toBeUndefined();
		expect(sentImages(apiCalls()[0])).toEqual([MUG, STYLE]);
	});

	test('Match First Input Image reads the first link\'s size (640x480: 4:3)', async () => {
		const result = await runNanoBanana(double, edit('google', 'gemini-2.5-flash-image', link('mug.png'), { aspectRatio: 'matchInput' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.aspectRatio).toBe('4:3');
	});

	test('a file host that answers 503 twice is retried like an answer download', async () => {
		double.fileFaults.set('mug.png', [503, 503]);
		const result = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', link('mug.png')));
		expect(result.error).toBeUndefined();
		expect(double.downloads.filter((d) => d.path === '/files/mug.png')).toHaveLength(3);
		expect(sentImages(apiCalls()[0])).toEqual([MUG]);
	});

	test('a mask link goes as the mask', async () => {
		const mask = encodePng(640, 480, 9);
		double.files.set('mask.png', { bytes: mask, contentType: 'image/png' });
		const result = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', link('mug.png'), { maskUrl: link('mask.png') }));
		expect(result.error).toBeUndefined();
		const files = apiCalls()[0].files ?? [];
		expect(files.find((f) => f.field === 'mask')?.bytes).toEqual(mask);
	});
});

describe('a bad link fails the item before any gateway call', () => {
	const failing = async (urls: string, extra: Record<string, unknown> = {}) => {
		const result = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', urls, extra));
		expect(result.status).toBe('error');
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(apiCalls()).toHaveLength(0);
		expect(serialiseDeep(result.error)).not.toContain(double.apiKey);
		return result.error as Error & { description?: string };
	};

	test('a link that answers 404', async () => {
		const error = await failing(`${link('mug.png')}, ${link('gone.png')}`);
		expect(error.message).toBe(`"Image URLs": could not download ${link('gone.png')} [item 0]`);
		expect(error.description).toMatch(/failed with 404/);
	});

	test('a web page instead of an image', async () => {
		double.files.set('product-page', { bytes: Buffer.from('<!DOCTYPE html><html><body><img src="mug.png"></body></html>'), contentType: 'text/html' });
		const error = await failing(link('product-page'));
		expect(error.message).toBe(`"Image URLs": ${link('product-page')} is a web page, not an image [item 0]`);
		expect(error.description).toMatch(/Copy image address/);
	});

	test('a file that is not an image', async () => {
		double.files.set('notes.txt', { bytes: Buffer.from('just some words, no picture'), contentType: 'text/plain' });
		const error = await failing(link('notes.txt'));
		expect(error.message).toBe(`"Image URLs": ${link('notes.txt')} is not an image [item 0]`);
	});

	test('an image larger than 20 MB', async () => {
		double.files.set('huge.png', { bytes: Buffer.concat([MUG, Buffer.alloc(21 * 1024 * 1024)]), contentType: 'image/png' });
		const error = await failing(link('huge.png'));
		expect(error.message).toBe(`"Image URLs": the image at ${link('huge.png')} is larger than 20 MB [item 0]`);
	});

	test('text that is not a link, and a link that is not http', async () => {
		expect((await failing('mug.png')).message).toBe('"Image URLs": "mug.png" is not a link [item 0]');
		expect((await failing('ftp://files.example.com/mug.png')).message).toBe('"Image URLs": ftp://files.example.com/mug.png is not an http or https link [item 0]');
	});

	test('no link at all, and more links than the route takes', async () => {
		// An expression that comes out empty (an empty field n8n itself stops before the run).
		expect((await failing('={{ [] }}')).message).toBe('"Image URLs" is empty [item 0]');
		const seven = Array.from({ length: 7 }, () => link('mug.png')).join('\n');
		const result = await runNanoBanana(double, edit('gptGe', 'nano-banana', seven));
		expect(result.error?.message).toMatch(/"Image URLs" names 7 images, but V-API \(gpt.ge\) takes at most 6/);
		expect(double.downloads).toHaveLength(0);
	});

	test('a signed link keeps its token out of the message', async () => {
		const error = await failing(link('gone.png', '?X-Amz-Signature=secret-token-123'));
		expect(error.message).not.toContain('secret-token-123');
		expect(error.message).toContain('gone.png?…');
	});
});

describe('Allowed Link Hosts: links from untrusted input', () => {
	const run = (urls: string, hosts: string, model = 'nano-banana') =>
		runNanoBanana(double, edit('openAiCompatible', model, urls, { options: { allowedLinkHosts: hosts, responseFormat: 'b64_json' } }));
	const fileHost = () => new URL(double.fileHostUrl);
	/** The file host under another name: the same server, a host the list does not name. */
	const elsewhere = (name: string) => `http://localhost:${fileHost().port}/files/${name}`;

	test('a link to a host on the list is downloaded as before', async () => {
		const result = await run(`${link('mug.png')}\n${link('style.jpg')}`, `cdn.shop.example, ${fileHost().hostname}`);
		expect(result.error).toBeUndefined();
		expect(double.downloads.map((d) => d.path)).toEqual(['/files/mug.png', '/files/style.jpg']);
		expect(sentImages(apiCalls()[0])).toEqual([MUG, STYLE]);
	});

	test('a link to any other host fails before any request, naming the host', async () => {
		const result = await run(elsewhere('mug.png'), `cdn.shop.example, *.cloudfront.net`);
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(`"Image URLs": ${elsewhere('mug.png')} is on localhost:${fileHost().port}, which is not in "Allowed Link Hosts" [item 0]`);
		expect(double.downloads).toHaveLength(0);
		expect(apiCalls()).toHaveLength(0);
	});

	test('a prompt-injected link to the cloud metadata address fails without any download', async () => {
		const result = await run('http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'cdn.shop.example');
		expect(result.error?.message).toMatch(/^"Image URLs": http:\/\/169\.254\.169\.254\/latest\/meta-data\/iam\/security-credentials\/ is on 169\.254\.169\.254, which is not in "Allowed Link Hosts"/);
		expect(double.downloads).toHaveLength(0);
	});

	test('a redirect within the list is followed; each hop is checked', async () => {
		double.redirects.set('short.png', link('mug.png'));
		const result = await run(link('short.png'), fileHost().host);
		expect(result.error).toBeUndefined();
		expect(double.downloads.map((d) => d.path)).toEqual(['/files/short.png', '/files/mug.png']);
		expect(sentImages(apiCalls()[0])).toEqual([MUG]);
	});

	test('a redirect to a host off the list fails naming that host, and nothing is fetched from it', async () => {
		double.redirects.set('short.png', elsewhere('mug.png'));
		const result = await run(link('short.png'), fileHost().hostname);
		expect(result.error?.message).toBe(`"Image URLs": The image link ${link('short.png')} redirects to localhost:${fileHost().port}, which is not in "Allowed Link Hosts" [item 0]`);
		expect(result.error?.description).toMatch(/Add localhost to "Allowed Link Hosts"/);
		expect(double.downloads.map((d) => d.path)).toEqual(['/files/short.png']);
		expect(apiCalls()).toHaveLength(0);
	});

	test('without the list, a redirect anywhere is followed as before', async () => {
		double.redirects.set('short.png', elsewhere('mug.png'));
		const result = await run(link('short.png'), '');
		expect(result.error).toBeUndefined();
		expect(double.downloads.map((d) => d.path)).toEqual(['/files/short.png', '/files/mug.png']);
	});

	test('the Mask URL follows the same list', async () => {
		const result = await runNanoBanana(double, edit('openAiCompatible', 'nano-banana', link('mug.png'), { maskUrl: elsewhere('mask.png'), options: { allowedLinkHosts: fileHost().hostname } }));
		expect(result.error?.message).toMatch(/^"Mask URL": .* is on localhost:\d+, which is not in "Allowed Link Hosts"/);
		expect(double.downloads.every((d) => d.path !== '/files/mask.png')).toBe(true);
	});

	test('a pattern that is not a host is refused, naming the field', async () => {
		const result = await run(link('mug.png'), 'https://cdn.shop.example/images');
		expect(result.error?.message).toBe('"Allowed Link Hosts": "https://cdn.shop.example/images" is not a host name or a *.domain pattern [item 0]');
		expect(double.downloads).toHaveLength(0);
	});
});
