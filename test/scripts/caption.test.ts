import { caption } from '../../scripts/caption';

describe("the demo page's captions", () => {
	test('a short prompt stays whole', () => {
		expect(caption('A banana in a tuxedo')).toBe('A banana in a tuxedo');
	});

	test('a long prompt is cut at a word and marked with an ellipsis', () => {
		const prompt = 'Generate a studio product photo of a matte teal ceramic coffee mug on a light oak table, soft window light from the left, shallow depth of field, clean white background.';
		const text = caption(prompt, 60);
		expect(text.endsWith('…')).toBe(true);
		expect(text.length).toBeLessThanOrEqual(60);
		const words = text.slice(0, -1).split(' ');
		// every word shown is a whole word of the prompt, in order
		expect(prompt.split(' ').slice(0, words.length).map((w) => w.replace(/[,.]$/, ''))).toEqual(words.map((w) => w.replace(/[,.]$/, '')));
	});

	test('one long word is cut inside it, still marked', () => {
		expect(caption('x'.repeat(300), 20)).toBe(`${'x'.repeat(19)}…`);
	});
});
