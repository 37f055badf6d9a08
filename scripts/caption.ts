/** The demo page's image captions. */
/** At most `max` characters of a prompt, cut at a word and marked with an ellipsis when cut. */
export function caption(prompt: string, max = 160): string {
	const text = prompt.replace(/\s+/g, ' ').trim();
	if (text.length <= max) return text;
	const cut = text.slice(0, max - 1);
	const atWord = cut.lastIndexOf(' ');
	return `${(atWord > max / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,.;:]+$/, '')}…`;
}
