/**
 * The models a provider's picker offers, and the words beside each, from the catalogue: on routes
 * that name catalogue models, every model Google still serves, newest first; on a seed gateway, the
 * aliases its document names, described by the model each stands for.
 */
import type { CatalogueModel } from './catalogue';
import { CATALOGUE } from './catalogue';
import type { GatewayAlias, ModelNaming } from './lookup';
import { nameOn, recordById } from './lookup';

export interface ModelPreset {
	value: string;
	name: string;
	description: string;
}

const dollars = (usd: number) => `$${usd.toFixed(3)}`;

function priceText(record: CatalogueModel): string | undefined {
	const entries = Object.entries(record.price?.perImage ?? {});
	if (entries.length === 0) return undefined;
	const [first, last] = [entries[0], entries[entries.length - 1]];
	const range = entries.length === 1 ? `${dollars(first[1])} (${first[0]})` : `${dollars(first[1])} (${first[0]}) to ${dollars(last[1])} (${last[0]})`;
	return `about ${range} per image`;
}

function lifecycleText(record: CatalogueModel): string | undefined {
	const l = record.lifecycle;
	if (l.status === 'preview') return 'preview';
	if (l.status === 'shutDown') return `shut down on ${l.shutdown}`;
	if (l.status !== 'deprecated') return undefined;
	const next = recordById(l.replacement)?.name ?? l.replacement;
	return `deprecated${l.shutdown ? `, shutdown ${l.shutdownConfirmed ? 'announced for' : 'reported for'} ${l.shutdown}` : ''}: move to ${next}`;
}

/**
 * One line of facts: the name (unless the entry's title already shows it), sizes, ratios, inputs,
 * Google's list price (not on gateways, which charge their own), lifecycle.
 */
export function describeModel(record: CatalogueModel, show: { name: boolean; price: boolean } = { name: true, price: true }): string {
	const sizes = record.sizes.length === 1 ? `${record.sizes[0]} only` : `${record.sizes[0]} to ${record.sizes[record.sizes.length - 1]}`;
	const ratios = record.ratios ? (record.ratios.includes('8:1') ? 'ratios up to 8:1' : 'ratios 1:1 to 21:9') : undefined;
	const inputs = record.maxInputs ? `up to ${record.maxInputs} input images` : undefined;
	const facts = [sizes, ratios, inputs, show.price ? priceText(record) : undefined, lifecycleText(record)].filter((p) => p).join(', ');
	return show.name ? `${record.name}: ${facts}` : `${facts.charAt(0).toUpperCase()}${facts.slice(1)}`;
}

function aliasPreset(alias: GatewayAlias): ModelPreset {
	const record = recordById(alias.model);
	const facts = record ? describeModel(record, { name: true, price: false }) : alias.model;
	const parts = [facts, alias.size ? `always ${alias.size}` : undefined, alias.note].filter((p) => p);
	return { value: alias.value, name: alias.value, description: parts.join('; ') };
}

export function presetsFor(naming: ModelNaming): ModelPreset[] {
	if (naming.aliases) return naming.aliases.map(aliasPreset);
	return CATALOGUE.filter((m) => m.lifecycle.status !== 'shutDown').map((m) => {
		const value = nameOn(naming, m);
		return { value, name: `${m.name} (${value})`, description: describeModel(m, { name: false, price: true }) };
	});
}
