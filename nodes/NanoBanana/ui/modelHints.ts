/**
 * What the editor's hints say about models, from the catalogue (models/catalogue.ts): which models
 * take which ratios and sizes, and how many input images.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

import { CATALOGUE } from '../models/catalogue';
import type { AspectRatio } from '../models/imageSizes';
import { ASPECT_RATIOS, RATIO_PIXELS_1K } from '../models/imageSizes';
import { modelsTaking } from '../models/modelLimits';

const served = CATALOGUE.filter((m) => m.lifecycle.status !== 'shutDown');
export const list = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
/** The served models that take a ratio, when not every one with known ratios does. */
const ratioTakers = (ratio: AspectRatio): string | undefined => {
	const takers = modelsTaking((m) => m.ratios?.includes(ratio) === true);
	return takers.length < served.filter((m) => m.ratios).length ? takers.join(' or ') : undefined;
};
const LONG_RATIOS = ASPECT_RATIOS.filter((r) => ratioTakers(r) !== undefined);
export const LONG_RATIO_HINT = LONG_RATIOS.length > 0 ? ` ${list([...LONG_RATIOS])} need ${ratioTakers(LONG_RATIOS[0])}.` : '';
export const ONE_SIZE = served.filter((m) => m.sizes.length === 1).map((m) => m.name);
export const SMALLEST = modelsTaking((m) => m.sizes.includes('512'));
export const INPUT_LIMITS = [...new Set(served.map((m) => m.maxInputs).filter((n): n is number => n !== undefined))]
	.sort((a, b) => a - b)
	.map((n) => `${list(served.filter((m) => m.maxInputs === n).map((m) => m.name))} up to ${n}`)
	.join('; ');

export const ratioOptions: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => {
	const takers = ratioTakers(ratio);
	return { name: ratio, value: ratio, description: `${RATIO_PIXELS_1K[ratio].join(' x ')} at 1K${takers ? `; ${takers} only` : ''}` };
});
