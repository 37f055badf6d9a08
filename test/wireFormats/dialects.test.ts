/**
 * How each field dialect of the OpenAI Images format spells a ratio and a resolution
 * (wireFormats/openAiDialects.ts), as the seeds document them, and the settings each cannot take.
 */
import type { DialectId, SizeRequest } from '../../nodes/NanoBanana/wireFormats/openAiDialects';
import { DIALECTS, chooseDialect } from '../../nodes/NanoBanana/wireFormats/openAiDialects';

type Case = [DialectId, Partial<SizeRequest>, Record<string, string>, string[]];

const CASES: Case[] = [
	// V-API (seeds 000/001)
	['gptGe', { model: 'nano-banana', family: 'flash', aspectRatio: '16:9' }, { size: '16:9' }, []],
	['gptGe', { model: 'nano-banana', family: 'flash', aspectRatio: '16:9', resolution: '2K' }, { size: '16:9' }, ['resolution']],
	['gptGe', { model: 'nano-banana-pro', family: 'pro', aspectRatio: '3:2', resolution: '4K' }, { size: '4k', aspect_ratio: '3:2' }, []],
	['gptGe', { model: 'nano-banana-pro-2k', family: 'pro', fixedSize: '2K', aspectRatio: '9:16', resolution: '4K' }, { size: '9:16' }, ['resolution']],
	// Tu-zi (seed 004)
	['tuZi', { model: 'gemini-3-pro-image-preview', family: 'pro', aspectRatio: '16:9', resolution: '2K' }, { size: '1344x768', quality: '2k' }, []],
	['tuZi', { model: 'gemini-2.5-flash-image', family: 'flash', aspectRatio: '1:1', resolution: '2K' }, { size: '1024x1024' }, ['resolution']],
	// TheTurbo (seed 003)
	['theTurbo', { model: 'gemini-3-pro-image', family: 'pro', aspectRatio: '21:9', resolution: '4K' }, { aspect_ratio: '21:9', image_size: '4K' }, []],
	// OpenAI style (seed 002)
	['openai', { model: 'nano-banana', family: 'flash', aspectRatio: '16:9', resolution: '2K' }, { size: '2688x1536' }, []],
	['openai', { model: 'nano-banana', family: 'flash', resolution: '4K' }, {}, ['resolution']],
	['openai', { model: 'nano-banana', family: 'flash' }, {}, []],
];

describe('size fields by dialect', () => {
	test.each(CASES)('%s %j', (dialect, request, fields, unsupported) => {
		const out = DIALECTS[dialect].mapSize({ model: 'm', family: 'flash', ...request } as SizeRequest);
		expect(out.fields).toEqual(fields);
		expect(out.warnings.map((w) => (w.type === 'unsupported-setting' ? w.setting : w.message))).toEqual(unsupported);
	});
});

describe('image field names', () => {
	test.each([
		['gptGe', 1, 'image'],
		['gptGe', 3, 'image'],
		['theTurbo', 1, 'image'],
		['theTurbo', 3, 'image[]'],
		['openai', 3, 'image'],
	] as const)('%s with %i image(s): %s', (dialect, count, field) => {
		expect(DIALECTS[dialect].imageField(count)).toBe(field);
	});

	test('a generic gateway\'s credential picks the dialect, and image[] on the OpenAI style', () => {
		expect(chooseDialect(undefined, { dialect: 'tuZi' }).id).toBe('tuZi');
		expect(chooseDialect(undefined, { dialect: 'nonsense' }).id).toBe('openai');
		expect(chooseDialect(undefined, { dialect: 'openai', imageField: 'image[]' }).imageField(2)).toBe('image[]');
		expect(chooseDialect(undefined, { dialect: 'openai', imageField: 'image[]' }).imageField(1)).toBe('image');
		// A provider's own dialect is not the credential's to change.
		expect(chooseDialect('gptGe', { dialect: 'openai', imageField: 'image[]' }).imageField(2)).toBe('image');
	});
});
