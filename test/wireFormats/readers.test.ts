/**
 * Each wire format's answer reader on its own, from recorded answers (answers/*.json): what the
 * node's one answer shape holds for each. A new answer shape is one more case in a fixture.
 */
import { readChatAnswer } from '../../nodes/NanoBanana/wireFormats/chatAnswer';
import { readGeminiAnswer } from '../../nodes/NanoBanana/wireFormats/geminiAnswer';
import { readOpenAiImagesAnswer } from '../../nodes/NanoBanana/wireFormats/openAiImagesAnswer';
import chat from './answers/chat.json';
import gemini from './answers/gemini.json';
import openAiImages from './answers/openAiImages.json';

const BASE = 'https://generativelanguage.example';
const READERS: Record<string, (json: unknown) => unknown> = {
	gemini: (json) => readGeminiAnswer(json, BASE),
	chat: readChatAnswer,
	openAiImages: readOpenAiImagesAnswer,
};

interface Fixture {
	reader: string;
	cases: Array<{ name: string; answer: unknown; expect: Record<string, unknown> }>;
}

describe.each([openAiImages, gemini, chat] as Fixture[])('the $reader reader', ({ reader, cases }) => {
	test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
		const answer = READERS[reader](JSON.parse(JSON.stringify(c.answer).replaceAll('BASE', BASE)));
		const want = JSON.parse(JSON.stringify(c.expect).replaceAll('BASE', BASE)) as Record<string, unknown>;
		const images = want.images as Array<Record<string, unknown>> | undefined;
		expect(answer).toMatchObject({ ...want, images: images?.map((i) => expect.objectContaining(i)) ?? expect.anything() });
		expect((answer as { images: unknown[] }).images).toHaveLength(images?.length ?? 0);
	});
});
