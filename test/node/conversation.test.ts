/**
 * Edits in rounds on Google's Gemini API, through n8n-core's real workflow execution against the
 * provider double, which issues thought signatures and refuses a model turn sent back without its
 * own: Keep Conversation for Follow-Up Edits puts the turns in json.conversation (images as Files
 * API links, never base64); Continue From Input Conversation sends them back exactly as received
 * with the next instruction; three rounds in a chain; a conversation of another model, an expired
 * one, files Google no longer has, and one with more images than the model takes.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { InputItem, OutputItem } from '../helpers/n8n';
import { imageItem, runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const MODEL = 'gemini-3-pro-image';
const first = (options: INodeParameters = { keepConversation: true }): INodeParameters => ({ provider: 'google', operation: 'generate', model: MODEL, prompt: 'A woman in a blue jacket in a park', options });
const next = (prompt: string, extra: INodeParameters = {}): INodeParameters => ({ provider: 'google', operation: 'edit', model: MODEL, prompt, continueConversation: true, ...extra });
const calls = () => double.requests.filter((r) => r.path.endsWith(':generateContent'));
const uploads = () => double.requests.filter((r) => r.path === '/upload/v1beta/files' && !r.query.includes('upload_id'));
const asInput = (item: OutputItem): InputItem[] => [{ json: item.json }];
type Turn = { role: string; parts: IDataObject[] };
const turnsOf = (item: OutputItem) => (item.json.conversation as { turns: Turn[] }).turns;

describe('Keep Conversation for Follow-Up Edits', () => {
	test('the item carries the turns, the model\'s images as Files API links with their signatures, and no base64', async () => {
		const result = await runNanoBanana(double, first());
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const conversation = item.json.conversation as { provider: string; model: string; expires: string; turns: Turn[] };
		expect(conversation).toMatchObject({ provider: 'google', model: MODEL });
		expect(Date.parse(conversation.expires) - Date.now()).toBeGreaterThan(47 * 3600 * 1000);
		const [user, model] = conversation.turns;
		expect(user).toEqual({ role: 'user', parts: [{ text: 'A woman in a blue jacket in a park' }] });
		expect(model.role).toBe('model');
		// Pro thinks: a thought text, a draft image, then the image with its signature, as Google sent them.
		expect(model.parts.map((p) => Object.keys(p).sort())).toEqual([['text', 'thought'], ['fileData', 'thought'], ['fileData', 'thoughtSignature']]);
		const final = model.parts.at(-1) as { fileData: { fileUri: string; mimeType: string }; thoughtSignature: string };
		expect(final.thoughtSignature).toMatch(/^[A-Za-z0-9+/]{16}$/);
		expect(final.fileData.mimeType).toBe('image/png');
		// The uploaded file holds the very image the item has.
		const file = [...double.gemini.files.values()].find((f) => f.uri === final.fileData.fileUri);
		expect(file?.bytes.equals(item.binary.data.bytes)).toBe(true);
		expect(uploads()).toHaveLength(2);
		expect(serialiseDeep(item.json)).not.toMatch(/inlineData|iVBORw0KGgo/);
	});

	test('off (the default): no conversation and no upload', async () => {
		const result = await runNanoBanana(double, first({}));
		expect(result.items[0].json.conversation).toBeUndefined();
		expect(uploads()).toHaveLength(0);
	});

	test('Edit with Keep Conversation: the input images are uploaded once and named in the user turn', async () => {
		const items = [imageItem({ data: { width: 400, height: 300 } })];
		const result = await runNanoBanana(double, { provider: 'google', operation: 'edit', model: MODEL, prompt: 'Put it on a beach', options: { keepConversation: true, numberOfImages: 2 } }, { items });
		expect(result.error).toBeUndefined();
		const [a, b] = result.items;
		const userA = turnsOf(a)[0];
		expect(userA.parts[0]).toEqual({ text: 'Put it on a beach' });
		expect(userA.parts[1]).toMatchObject({ fileData: { mimeType: 'image/png' } });
		expect(turnsOf(b)[0]).toEqual(userA);
		// The input once, and each answer's draft and image.
		expect(uploads()).toHaveLength(1 + 2 * 2);
	});
});

describe('Continue From Input Conversation', () => {
	test('three rounds: each sends the earlier turns exactly as received, then the new instruction', async () => {
		const one = (await runNanoBanana(double, first())).items[0];
		const two = await runNanoBanana(double, next('Now make the jacket red'), { items: asInput(one) });
		expect(two.error).toBeUndefined();
		const sent2 = calls()[1].json as { contents: Turn[] };
		expect(sent2.contents).toEqual([...turnsOf(one), { role: 'user', parts: [{ text: 'Now make the jacket red' }] }]);
		expect(turnsOf(two.items[0])).toHaveLength(4);
		const three = await runNanoBanana(double, next('Same woman, a beach at sunset'), { items: asInput(two.items[0]) });
		expect(three.error).toBeUndefined();
		const sent3 = calls()[2].json as { contents: Turn[] };
		expect(sent3.contents).toEqual([...turnsOf(two.items[0]), { role: 'user', parts: [{ text: 'Same woman, a beach at sunset' }] }]);
		expect(turnsOf(three.items[0])).toHaveLength(6);
		// The double checked every model turn's signature.
		expect(double.gemini.stats.signaturesChecked).toBe(1 + 2);
	});

	test('a model turn sent back without its signature gets Google\'s 400; an altered one too', async () => {
		const one = (await runNanoBanana(double, first())).items[0];
		const stripped = structuredClone(one.json) as { conversation: { turns: Turn[] } };
		delete stripped.conversation.turns[1].parts.at(-1)?.thoughtSignature;
		const missing = await runNanoBanana(double, next('Now make the jacket red'), { items: [{ json: stripped as IDataObject }] });
		expect(missing.error?.message).toMatch(/answered 400: Image part in a model turn is missing a thought_signature/);
		const altered = structuredClone(one.json) as { conversation: { turns: Turn[] } };
		(altered.conversation.turns[1].parts.at(-1) as IDataObject).thoughtSignature = 'AAAA';
		const bad = await runNanoBanana(double, next('Now make the jacket red'), { items: [{ json: altered as IDataObject }] });
		expect(bad.error?.message).toMatch(/Corrupted thought signature/);
	});

	test('a conversation of another model is refused before any request, naming both', async () => {
		const one = (await runNanoBanana(double, first())).items[0];
		const before = calls().length;
		const result = await runNanoBanana(double, next('Now make the jacket red', { model: 'gemini-nano-banana-2.1' }), { items: asInput(one) });
		expect(result.error?.message).toBe('The input conversation was held with gemini-3-pro-image on google, and this node sends gemini-nano-banana-2.1 on google [item 0]');
		expect(calls()).toHaveLength(before);
	});

	test('an expired conversation is refused before any request; files Google no longer has are an error that says to start again', async () => {
		const one = (await runNanoBanana(double, first())).items[0];
		const old = structuredClone(one.json) as { conversation: { expires: string } };
		old.conversation.expires = '2026-12-01T00:00:00.000Z';
		const expired = await runNanoBanana(double, next('Now make the jacket red'), { items: [{ json: old as IDataObject }] });
		expect(expired.error?.message).toBe("The input conversation's images expired on 2026-12-01T00:00:00.000Z [item 0]");
		double.gemini.files.clear();
		const gone = await runNanoBanana(double, next('Now make the jacket red'), { items: asInput(one) });
		expect(gone.error?.message).toMatch(/^Google no longer has the input conversation's images: You do not have permission to access the File/);
		expect(String(gone.error?.description)).toContain('48 hours');
	});

	test('more images than the model takes: the oldest rounds are left out, with a warning naming how many turns', async () => {
		let item = (await runNanoBanana(double, first())).items[0];
		// Each round adds a draft and an image: 7 rounds hold 14 images, as many as Pro takes; 8 hold 16.
		for (let round = 2; round <= 8; round++) item = (await runNanoBanana(double, next(`Round ${round}`), { items: asInput(item) })).items[0];
		expect((calls().at(-1)?.json as { contents: Turn[] }).contents).toHaveLength(2 * 7 + 1);
		expect(item.json.warnings).toBeUndefined();
		item = (await runNanoBanana(double, next('Round 9'), { items: asInput(item) })).items[0];
		const sent = calls().at(-1)?.json as { contents: Turn[] };
		expect(sent.contents).toHaveLength(2 * 8 - 2 + 1);
		expect(sent.contents[0].parts).toEqual([{ text: 'Round 2' }]);
		expect(item.json.warnings).toEqual(['The conversation held more images than the 14 gemini-3-pro-image takes in one request: its 2 oldest turns were left out.']);
	});

	test('the Conversation field takes the conversation as JSON text too (what an agent passes back)', async () => {
		const one = (await runNanoBanana(double, first())).items[0];
		const result = await runNanoBanana(double, next('Now make the jacket red', { conversation: JSON.stringify(one.json.conversation) }), { items: [{ json: {} }] });
		expect(result.error).toBeUndefined();
		expect((calls().at(-1)?.json as { contents: Turn[] }).contents).toHaveLength(3);
		const bad = await runNanoBanana(double, next('Now make the jacket red', { conversation: '{"turns": [' }), { items: [{ json: {} }] });
		expect(bad.error?.message).toBe('"Conversation" is not JSON [item 0]');
	});

	test('an item without a conversation is edited from its images as usual', async () => {
		const result = await runNanoBanana(double, next('Put it on a beach'), { items: [imageItem({ data: { width: 400, height: 300 } })] });
		expect(result.error).toBeUndefined();
		expect((calls()[0].json as { contents: Turn[] }).contents).toHaveLength(1);
	});

	test('a malformed conversation is the item\'s error, naming the field', async () => {
		const result = await runNanoBanana(double, next('Now make the jacket red'), { items: [{ json: { conversation: { turns: 'nope' } } }] });
		expect(result.error?.message).toBe('"Conversation" is not a Nano Banana conversation [item 0]');
	});
});
