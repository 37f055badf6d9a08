/**
 * Every answer shape the official clients' types allow, fed through the node: recorded answers
 * (answers/*.json, one case per shape with what the node must make of it) go out from the provider
 * double, and the node runs through n8n-core. A new answer shape is one more case in a fixture.
 * Every FinishReason and BlockedReason of @google/genai has an entry of its own in
 * finishReasons.ts, and the node treats each by its kind.
 */
import { FINISH_REASONS } from '../../nodes/NanoBanana/answers/finishReasons';
import { bigPng } from '../concurrency/bigImage';
import { encodePng } from '../double/images';
import { runNanoBanana, useProviderDouble } from '../helpers/nanoBanana';
import chat from './answers/chat.json';
import gemini from './answers/gemini.json';
import { genai } from './genai';

const { BlockedReason, FinishReason } = genai;

const double = useProviderDouble();

interface Expectation {
	outcome: 'images' | 'text' | 'error';
	images?: number;
	text?: string;
	finishReason?: string;
	message?: string;
	calls?: number;
}
interface Fixture {
	route: string;
	cases: Array<{ name: string; options?: Record<string, unknown>; answer: unknown; expect: Expectation }>;
}

const MODEL: Record<string, string> = { google: 'gemini-3.1-flash-image', openRouter: 'google/gemini-3.1-flash-image' };
const png = bigPng(4000, 21);
const small = encodePng(8, 8, 22);
const FILE = 'files/recorded1';

/** The fixture's answer with its placeholders filled: real images, a file the double holds. */
function filled(answer: unknown): unknown {
	const fileUri = `${double.baseUrlFor('google')}/v1beta/${FILE}`;
	const text = JSON.stringify(answer)
		.replaceAll('$PNG_URL', `data:image/png;base64,${png.toString('base64')}`)
		.replaceAll('$PNG_SMALL', small.toString('base64'))
		.replaceAll('$PNG', png.toString('base64'))
		.replaceAll('$FILE_URI', fileUri);
	return JSON.parse(text);
}

const calls = () => double.requests.filter((r) => r.path.endsWith(':generateContent') || r.path === '/v1/chat/completions').length;

describe.each([gemini, chat] as Fixture[])('recorded $route answers', (fixture) => {
	test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		double.gemini.files.set(FILE, { name: FILE, uri: '', mimeType: 'image/png', bytes: png, processingPolls: 0 });
		double.enqueue({ status: 200, body: filled(c.answer) as object });
		const result = await runNanoBanana(double, { provider: fixture.route, operation: 'generate', model: MODEL[fixture.route], prompt: 'A mug', options: { maxRetries: 1, ...c.options } });
		const want = c.expect;
		expect(calls()).toBe(want.calls ?? 1);
		if (want.outcome === 'error') {
			expect(result.error?.message).toContain(want.message);
			return;
		}
		expect(result.error).toBeUndefined();
		if (want.outcome === 'text') {
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({ noImage: true, text: want.text, finishReason: want.finishReason });
			return;
		}
		expect(result.items).toHaveLength(want.images as number);
		// A retried answer's image is the double's own; the recorded answer's is the fixture's.
		if (want.calls === undefined) for (const item of result.items) expect(item.binary.data.bytes.equals(png)).toBe(true);
		if (want.text) expect(result.items[0].json.text).toBe(want.text);
	});
});

test('the recorded Gemini answers use only finish and block reasons the client knows', () => {
	const reasons = JSON.stringify(gemini).match(/"(finishReason|finish_reason|blockReason)":\s*"([A-Z_]+)"/g) ?? [];
	for (const found of reasons) {
		const value = found.split('"')[3];
		expect([...Object.values(FinishReason), ...Object.values(BlockedReason)]).toContain(value);
	}
	expect(reasons.length).toBeGreaterThan(5);
});

describe("every reason of @google/genai's enums", () => {
	const all = [...new Set([...Object.values(FinishReason), ...Object.values(BlockedReason)])] as string[];

	test('has an entry of its own, with a hint of its own', () => {
		for (const reason of all) expect(FINISH_REASONS).toHaveProperty([reason]);
	});

	test.each(Object.values(FinishReason).filter((r) => r !== FinishReason.STOP && r !== FinishReason.FINISH_REASON_UNSPECIFIED))('finishReason %s with words: a block is an error, not retried; any other ending is the text answer', async (reason) => {
		double.enqueue({ status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ text: 'No picture this time.' }] }, finishReason: reason }] } });
		const result = await runNanoBanana(double, { provider: 'google', operation: 'generate', model: MODEL.google, prompt: 'A mug', options: { onTextAnswer: 'output' } });
		expect(calls()).toBe(1);
		if (FINISH_REASONS[reason].kind === 'block') {
			expect(result.error?.message).toBe(`Google Gemini API (AI Studio) made no image: ${reason}`);
			expect(result.error?.description).toContain(FINISH_REASONS[reason].hint);
		} else {
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ text: 'No picture this time.', finishReason: reason });
		}
	});

	test.each(Object.values(BlockedReason))('blockReason %s is an error naming it, not retried', async (reason) => {
		double.enqueue({ status: 200, body: { promptFeedback: { blockReason: reason } } });
		const result = await runNanoBanana(double, { provider: 'google', operation: 'generate', model: MODEL.google, prompt: 'A mug' });
		expect(calls()).toBe(1);
		expect(result.error?.message).toBe(`Google Gemini API (AI Studio) made no image: prompt blocked (${reason})`);
		// A blocked prompt is blocked again: no hint to just run again.
		expect(result.error?.description).toMatch(/running it again as it is gets the same answer|Remove it and run again|Change the (prompt|request)|Reword/);
		expect(result.error?.description).not.toMatch(/^Run again/);
	});
});
