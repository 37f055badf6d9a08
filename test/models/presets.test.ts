/**
 * What the Model picker offers (the node's getModels starts from these): on Google and OpenRouter
 * the models Google serves today with their facts and list prices; on a seed gateway its own
 * aliases, described by the model each stands for, without Google's prices (gateways charge theirs).
 */
import { presetsFor } from '../../nodes/NanoBanana/models/presets';
import { PROVIDERS } from '../../nodes/NanoBanana/route/providers';

test('Google and OpenRouter list the served models, newest first, none that Google shut down', () => {
	const google = presetsFor(PROVIDERS.google);
	expect(google.map((p) => p.value)).toEqual(['gemini-nano-banana-2.1', 'gemini-3-pro-image', 'gemini-3.1-flash-image', 'gemini-3.1-flash-lite-image', 'gemini-2.5-flash-image']);
	expect(presetsFor(PROVIDERS.openRouter).map((p) => p.value)).toEqual(google.map((p) => `google/${p.value}`));
	expect(google[0]).toEqual({
		value: 'gemini-nano-banana-2.1',
		name: 'Nano Banana 2.1 (gemini-nano-banana-2.1)',
		description: '1K to 4K, ratios up to 8:1, up to 14 input images, about $0.034 (1K) to $0.113 (4K) per image',
	});
	expect(google.find((p) => p.value === 'gemini-2.5-flash-image')?.description).toMatch(/deprecated, shutdown announced for 2026-10-02: move to Nano Banana 2$/);
});

test("a seed gateway's aliases keep their names and the seed's notes, without Google's prices", () => {
	const vApi = presetsFor(PROVIDERS.gptGe);
	expect(vApi.map((p) => p.value)).toEqual(['nano-banana', 'nano-banana-pro', 'nano-banana-pro-2k', 'nano-banana-pro-4k', 'gemini-3-pro-image-preview', 'gemini-2.5-flash-image']);
	expect(vApi.find((p) => p.value === 'nano-banana-pro-4k')?.description).toMatch(/^Nano Banana Pro: 1K to 4K, .*; always 4K$/);
	for (const preset of vApi) expect(preset.description).not.toContain('$');
});
