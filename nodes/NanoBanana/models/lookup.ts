/**
 * Finding a model's catalogue record from the ID a workflow holds, the way each provider names it:
 * Google's IDs (with or without `models/`), OpenRouter's slugs, or a seed gateway's own aliases
 * (`nano-banana-pro-4k`), which map onto a record and sometimes fix its size. An ID found nowhere
 * has no record: the node then checks nothing about it.
 */
import type { CatalogueModel } from './catalogue';
import { CATALOGUE } from './catalogue';
import type { Resolution } from './imageSizes';

/** A gateway's own name for a catalogue model (its seed's presets). */
export interface GatewayAlias {
	value: string;
	/** The catalogue record's Google ID. */
	model: string;
	/** The alias always makes this size (V-API's -2k/-4k, Tu-zi's -hd). */
	size?: Resolution;
	/** What the gateway's document says of it, beyond the catalogue's facts. */
	note?: string;
}

/** How a provider names models: by the catalogue's Google IDs or OpenRouter slugs, and its own aliases. */
export interface ModelNaming {
	catalogueNames?: 'id' | 'openRouter';
	aliases?: readonly GatewayAlias[];
}

/** What the node knows of a model ID on one provider. */
export interface ModelFacts {
	record?: CatalogueModel;
	fixedSize?: Resolution;
}

export function recordById(id: string): CatalogueModel | undefined {
	return CATALOGUE.find((m) => m.id === id);
}

/** The record's name on a provider that names catalogue models (its Google ID elsewhere). */
export function nameOn(naming: ModelNaming, record: CatalogueModel): string {
	return naming.catalogueNames === 'openRouter' ? record.openRouter : record.id;
}

/** The record a catalogue name stands for on this provider (a Google ID, with or without `models/`, or an OpenRouter slug). */
export function catalogueRecord(naming: ModelNaming, model: string): CatalogueModel | undefined {
	const id = model.replace(/^models\//, '');
	return CATALOGUE.find((m) => nameOn(naming, m) === id);
}

/** A gateway's alias first (it may fix the size), then the catalogue's own names. */
export function modelFacts(naming: ModelNaming, model: string): ModelFacts {
	const alias = naming.aliases?.find((a) => a.value === model);
	if (alias) return { record: recordById(alias.model), fixedSize: alias.size };
	return { record: catalogueRecord(naming, model) };
}

/** The size an alias always makes: its entry's, or by the gateways' convention a `-2k`/`-4k`/`-hd` ending. */
export function fixedSizeOf(facts: ModelFacts, model: string): Resolution | undefined {
	if (facts.fixedSize || facts.record) return facts.fixedSize;
	const ending = /-(2k|4k|hd)$/i.exec(model)?.[1].toLowerCase();
	return ending === '2k' ? '2K' : ending ? '4K' : undefined;
}
