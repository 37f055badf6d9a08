/**
 * Bad input and gateway failures, through n8n-core against the provider double: the error
 * class, what it says, which item it names, that nothing is sent for bad input, and that
 * Continue On Fail keeps the other items. (Retries and transport faults: test/faults.)
 */
import { ERROR_BODIES, canned } from '../double/providerDouble';
import { encodePng, readImageSize } from '../double/images';
import { runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const generate = (extra: Record<string, unknown> = {}) => ({
	provider: 'gptGe',
	operation: 'generate',
	model: 'nano-banana',
	prompt: 'A banana-yellow bicycle against a blue wall',
	...extra,
	options: { maxRetries: 0, ...((extra.options as object) ?? {}) },
});

describe('bad input: a NodeOperationError naming the field and the item, nothing sent', () => {
	test.each([
		{ name: 'empty prompt', params: { prompt: '   ' }, message: '"Prompt" is empty [item 0]' },
		{ name: 'extra fields not JSON', params: { options: { extraFields: '{"user": ' } }, message: '"Extra Request Fields (JSON)" is not valid JSON [item 0]' },
		{ name: 'extra fields not an object', params: { options: { extraFields: '[1, 2]' } }, message: '"Extra Request Fields (JSON)" must be a JSON object [item 0]' },
		{ name: 'model that resolves to nothing', params: { model: '={{ "" }}' }, message: '"Model" is empty [item 0]' },
		{ name: 'output property empty', params: { options: { outputProperty: ' ' } }, message: '"Output Binary Property" is empty [item 0]' },
	])('$name', async ({ params, message }) => {
		const result = await runNanoBanana(double, generate(params));
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(message);
		expect((result.error?.context as { itemIndex?: number })?.itemIndex).toBe(0);
		expect(double.requests).toHaveLength(0);
	});

	test('the failing item is named: item 2 of 3', async () => {
		const items = [{ json: { p: 'a cat' } }, { json: { p: 'a dog' } }, { json: { p: '' } }];
		const result = await runNanoBanana(double, generate({ prompt: '={{ $json.p }}' }), { items });
		expect(result.error?.message).toBe('"Prompt" is empty [item 2]');
	});

	test('a credential without a base URL', async () => {
		const result = await runNanoBanana(double, generate(), { credential: { baseUrl: '' } });
		expect(result.error?.message).toMatch(/credential has no valid base URL/);
		expect(double.requests).toHaveLength(0);
	});
});

describe('gateway errors: a NodeApiError with the status and the gateway\'s own words', () => {
	test('401 from a wrong key: status, message, a hint, and no key anywhere', async () => {
		const result = await runNanoBanana(double, generate(), { credential: { apiKey: 'sk-wrong-key-0123456789abcdefghij' } });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.message).toBe(`V-API (gpt.ge) answered 401: ${ERROR_BODIES.invalidApiKey.error.message}`);
		expect(result.error?.description).toMatch(/Check the key/);
		expect(serialiseDeep(result.error)).not.toContain('sk-wrong-key-0123456789abcdefghij');
		expect(double.requests).toHaveLength(1);
	});

	test('400 with an OpenAI-style error body is not retried', async () => {
		double.enqueue({ status: 400, body: { error: { message: 'Invalid size: 7:3', type: 'invalid_request_error' } } });
		const result = await runNanoBanana(double, generate({ options: { maxRetries: 3 } }));
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.message).toBe('V-API (gpt.ge) answered 400: Invalid size: 7:3');
		expect(double.requests).toHaveLength(1);
	});

	test('a plain-text error body', async () => {
		double.enqueue({ status: 403, headers: { 'content-type': 'text/plain' }, body: 'model nano-banana is not enabled for this key' });
		const result = await runNanoBanana(double, generate());
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.message).toBe('V-API (gpt.ge) answered 403: model nano-banana is not enabled for this key');
	});

	test('an HTML error page gives its title', async () => {
		double.enqueue({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>' });
		const result = await runNanoBanana(double, generate());
		expect(result.error?.httpCode).toBe('502');
		expect(result.error?.message).toBe('V-API (gpt.ge) answered 502: 502 Bad Gateway');
	});

	test('a Chinese message is kept verbatim, with an English reading', async () => {
		double.enqueue(canned.saturated(429));
		// Concurrency 1: a 429 to a lone request is the gateway's, and counts against Max Retries (0).
		const result = await runNanoBanana(double, generate({ options: { concurrency: 1 } }));
		expect(result.error?.httpCode).toBe('429');
		expect(result.error?.message).toContain('当前分组上游负载已饱和，请稍后再试');
		expect(result.error?.message).toMatch(/in English: .*upstream is saturated; try again later/);
		expect(result.error?.description).toMatch(/rate limiting/);
	});
});

describe('answers with no image', () => {
	test('the model\'s words instead of an image: an error that shows them', async () => {
		double.enqueue(canned.revisedPromptOnly('I cannot draw that, but here is a description of a bicycle.'));
		const result = await runNanoBanana(double, generate());
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('The model answered with text instead of an image');
		expect(result.error?.description).toContain('I cannot draw that, but here is a description of a bicycle.');
		expect(result.items).toHaveLength(0);
	});

	test('a markdown image link in the text is the image: it is downloaded, without the key', async () => {
		const bytes = encodePng(40, 30, 7);
		double.files.set('linked.png', { bytes, contentType: 'image/png' });
		double.enqueue(canned.markdownText(`${double.fileHostUrl}/files/linked.png`));
		const result = await runNanoBanana(double, generate());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].binary.data.bytes.equals(bytes)).toBe(true);
		expect(result.items[0].json).toMatchObject({ width: 40, height: 30, text: 'Here is your image:' });
		expect(double.downloads).toHaveLength(1);
		expect(double.downloads[0].headers.authorization).toBeUndefined();
	});

	test('an empty data array', async () => {
		double.enqueue(canned.emptyData());
		const result = await runNanoBanana(double, generate());
		expect(result.error?.message).toBe('V-API (gpt.ge) answered without any image');
	});

	test('an error object inside an HTTP 200', async () => {
		double.enqueue({ status: 200, body: { error: { message: 'content policy: prompt rejected', type: 'policy', code: 'content_policy' } } });
		const result = await runNanoBanana(double, generate());
		expect(result.error?.message).toBe('V-API (gpt.ge) reported an error: content policy: prompt rejected');
	});

	test('"On Text-Only Answer: Output the Text" returns the words as an item', async () => {
		double.enqueue(canned.revisedPromptOnly('Here is a poem instead.'));
		const result = await runNanoBanana(double, generate({ options: { onTextAnswer: 'output' } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ noImage: true, text: 'Here is a poem instead.', provider: 'gptGe' });
		expect(result.items[0].binary).toEqual({});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('Continue On Fail', () => {
	test('failed items become error items in place; the others go on', async () => {
		const items = [{ json: { p: 'a red kite' } }, { json: { p: '' } }, { json: { p: 'a green kite' } }, { json: { p: 'a blue kite' } }];
		double.enqueue({ status: 400, body: { error: { message: 'prompt blocked' } }, match: (r) => r.json?.prompt === 'a green kite' });
		const result = await runNanoBanana(double, generate({ prompt: '={{ $json.p }}' }), { items, continueOnFail: true });
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(readImageSize(result.items[0].binary.data.bytes)).toBeDefined();
		expect(result.items[1].json).toEqual({ error: '"Prompt" is empty [item 1]', description: expect.any(String) });
		expect(result.items[2].json).toMatchObject({ error: 'V-API (gpt.ge) answered 400: prompt blocked', httpCode: '400' });
		expect(readImageSize(result.items[3].binary.data.bytes)).toBeDefined();
		expect(result.items[3].json.prompt).toBe('a blue kite');
	});

	test('without it, the first failing item stops the node', async () => {
		const items = [{ json: { p: 'one' } }, { json: { p: '' } }, { json: { p: 'three' } }];
		const result = await runNanoBanana(double, generate({ prompt: '={{ $json.p }}' }), { items });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('"Prompt" is empty [item 1]');
	});
});

test('the API key appears in no error and no item, whatever fails', async () => {
	const scenarios: Array<() => void> = [
		() => double.enqueue({ status: 401, body: ERROR_BODIES.invalidApiKey }),
		// A gateway that quotes the key it was sent, in its message and in an HTML page.
		() => double.enqueue({ status: 401, body: { error: { message: `invalid token ${double.apiKey} for this group` } } }),
		() => double.enqueue({ status: 502, headers: { 'content-type': 'text/html' }, body: `<html><title>Bad key ${double.apiKey}</title></html>` }),
		() => double.enqueue({ status: 200, body: { data: [{ revised_prompt: `your key ${double.apiKey} has no image quota` }] } }),
		() => double.enqueue({ dropConnection: true }),
		() => double.enqueue(canned.errorIn200()),
		() => double.enqueue(canned.revisedPromptOnly()),
	];
	for (const arrange of scenarios) {
		double.reset();
		arrange();
		for (const continueOnFail of [false, true]) {
			if (continueOnFail) arrange();
			const result = await runNanoBanana(double, generate(), { continueOnFail });
			const everything = serialiseDeep({ error: result.error, items: result.items.map((i) => i.json), runData: result.runData });
			expect(everything).not.toContain(double.apiKey);
		}
	}
});
