/**
 * Google's generateContent options through n8n-core's real workflow execution against the
 * provider double: Thinking Level (sent where the model takes one, else a warning), Include
 * Thoughts (the drafts as extra items flagged json.thought, never the answer), Ground in Google
 * Search (the tool, text asked for, json.grounding), Do Not Store Requests (store: false, on the
 * Gemini API only).
 */
import type { INodeParameters } from 'n8n-workflow';

import { readImageSize } from '../double/images';
import { runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const PROMPT = 'An infographic of this week\'s banana prices';
const generate = (model: string, options: INodeParameters = {}, provider = 'google'): INodeParameters => ({ provider, operation: 'generate', model, prompt: PROMPT, options });
const call = () => double.requests.filter((r) => r.path.endsWith(':generateContent')).at(-1);

describe('Thinking Level and Include Thoughts', () => {
	test('a level goes as thinkingConfig.thinkingLevel, upper case as @google/genai sends it, for Nano Banana 2.1', async () => {
		const result = await runNanoBanana(double, generate('gemini-nano-banana-2.1', { thinkingLevel: 'high' }));
		expect(result.error).toBeUndefined();
		expect(call()?.json).toMatchObject({ generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } });
		expect(result.items[0].json.warnings).toBeUndefined();
	});

	test('a model that takes no level: not sent, with a warning naming the model', async () => {
		const result = await runNanoBanana(double, generate('gemini-3-pro-image', { thinkingLevel: 'low' }));
		expect(result.error).toBeUndefined();
		expect(call()?.json?.generationConfig).not.toHaveProperty('thinkingConfig');
		expect(result.items[0].json.warnings).toEqual(['Thinking Level low was not sent: Nano Banana Pro takes no thinking level.']);
	});

	test('the double refuses a level where Google does: the node never sends one there', async () => {
		const result = await runNanoBanana(double, generate('gemini-3-pro-image', { extraFields: '{"generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}}' }));
		expect(result.error?.message).toMatch(/Thinking level is not supported for models\/gemini-3-pro-image/);
	});

	test('without Include Thoughts the drafts stay out; with it they come after the answer, flagged thought, with no cost of their own', async () => {
		const plain = await runNanoBanana(double, generate('gemini-3-pro-image'));
		expect(plain.items).toHaveLength(1);
		const result = await runNanoBanana(double, generate('gemini-3-pro-image', { includeThoughts: true }));
		expect(call()?.json).toMatchObject({ generationConfig: { thinkingConfig: { includeThoughts: true } } });
		expect(result.items.map((i) => [i.json.index, i.json.thought ?? false])).toEqual([[0, false], [1, true]]);
		const [answer, draft] = result.items;
		expect(readImageSize(draft.binary.data.bytes)).toMatchObject({ width: 64, height: 64 });
		expect(readImageSize(answer.binary.data.bytes)).toMatchObject({ width: answer.json.width, height: answer.json.height });
		expect(answer.json.cost).toBeDefined();
		expect(draft.json.cost).toBeUndefined();
		// One image was asked for and one came: the draft does not count, and no warning says otherwise.
		expect(answer.json.warnings).toBeUndefined();
	});
});

describe('Ground in Google Search', () => {
	test('adds the googleSearch tool, asks for text too, and puts the searches, sources and entry point in json.grounding', async () => {
		const result = await runNanoBanana(double, generate('gemini-nano-banana-2.1', { googleSearch: true }));
		expect(result.error).toBeUndefined();
		expect(call()?.json).toMatchObject({ tools: [{ googleSearch: {} }], generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } });
		const [item] = result.items;
		expect(item.json.grounding).toEqual({
			webSearchQueries: [PROMPT],
			imageSearchQueries: [],
			sources: [
				{ title: 'Reuters', uri: 'https://www.reuters.com/markets/' },
				{ title: 'Wikipedia', uri: 'https://en.wikipedia.org/wiki/Banana' },
			],
			searchEntryPoint: expect.stringContaining('<div class="container">'),
		});
		expect(item.json.text).toBe('Here is the image, with figures from Reuters.');
	});

	test('on Vertex AI too', async () => {
		const result = await runNanoBanana(double, generate('gemini-nano-banana-2.1', { googleSearch: true }, 'vertexAi'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.grounding).toMatchObject({ sources: [{ title: 'Reuters' }, { title: 'Wikipedia' }] });
	});
});

describe('Do Not Store Requests', () => {
	test('sends the top-level store: false', async () => {
		const result = await runNanoBanana(double, generate('gemini-nano-banana-2.1', { doNotStore: true }));
		expect(result.error).toBeUndefined();
		expect(call()?.json).toMatchObject({ store: false });
		expect(double.gemini.stats.unstored).toBe(1);
	});

	test('is not offered on Vertex AI: a value left in the workflow never reaches its body', async () => {
		const result = await runNanoBanana(double, generate('gemini-nano-banana-2.1', { doNotStore: true }, 'vertexAi'));
		expect(result.error).toBeUndefined();
		expect(double.requests.find((r) => r.path.includes('/publishers/'))?.json).not.toHaveProperty('store');
	});
});
