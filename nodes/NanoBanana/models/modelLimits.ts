/**
 * What a known model cannot take, read from its catalogue record: a ratio or a size it lacks is
 * refused before any request (512 on Nano Banana 2.1, 1:8 on Pro); a size above its largest is
 * not sent, and the image comes back at the model's own size with a warning (2K on the 1K-only
 * models). A model without a record gets no checks: it is sent as asked.
 */
import type { CatalogueModel } from './catalogue';
import { CATALOGUE } from './catalogue';
import type { AspectRatio, Resolution } from './imageSizes';
import { ASPECT_RATIOS, sizeRank } from './imageSizes';
import type { ModelFacts } from './lookup';

export interface LimitRefusal {
	message: string;
	hint: string;
}

/** The served models that take a setting, by name: where to go instead. */
export function modelsTaking(takes: (m: CatalogueModel) => boolean): string[] {
	return CATALOGUE.filter((m) => m.lifecycle.status !== 'shutDown' && takes(m)).map((m) => m.name);
}

const or = (names: string[]) => (names.length === 0 ? 'no current model' : names.join(' or '));

export function limitRefusal(facts: ModelFacts, model: string, ratio?: AspectRatio, resolution?: Resolution): LimitRefusal | undefined {
	const record = facts.record;
	if (!record) return undefined;
	if (ratio && record.ratios && !record.ratios.includes(ratio)) {
		return {
			message: `"Aspect Ratio" ${ratio} is not offered by ${record.name} ("${model}")`,
			hint: `It takes ${record.ratios.join(', ')}. ${ratio} needs ${or(modelsTaking((m) => m.ratios?.includes(ratio) === true))}.`,
		};
	}
	const largest = record.sizes[record.sizes.length - 1];
	if (resolution && !record.sizes.includes(resolution) && sizeRank(resolution) < sizeRank(largest)) {
		return {
			message: `"Resolution" ${resolution} is not offered by ${record.name} ("${model}")`,
			hint: `It makes ${record.sizes.join(', ')}. ${resolution} needs ${or(modelsTaking((m) => m.sizes.includes(resolution)))}.`,
		};
	}
	return undefined;
}

/** The size setting to send on routes that pass Google's `imageSize` through, or why none is sent. */
export function sizeToSend(facts: ModelFacts, model: string, resolution?: Resolution): { size?: Resolution; warning?: string } {
	const record = facts.record;
	if (!resolution) return {};
	if (!record) return { size: resolution };
	const largest = record.sizes[record.sizes.length - 1];
	// A one-size model has no size setting at all.
	if (record.sizes.length > 1 && sizeRank(resolution) <= sizeRank(largest)) return { size: resolution };
	if (resolution === largest) return {};
	return {
		warning: `Resolution ${resolution} was not sent: "${model}" makes ${record.sizes.join(', ')} images only. ${or(modelsTaking((m) => m.sizes.includes(resolution)))} make ${resolution} images.`,
	};
}

/** The ratios Match First Input Image may pick: the model's own, or the ten every model takes. */
export function matchRatios(facts: ModelFacts): readonly AspectRatio[] {
	return facts.record?.ratios ?? ASPECT_RATIOS.slice(0, 10);
}
