/**
 * Which model ID to send for the one a workflow holds. On routes that forward Google's IDs
 * (Google's API, OpenRouter, a gateway's chat endpoint), a model the catalogue marks shut down is
 * sent as its replacement, following the chain to one that is served; a deprecated model is sent
 * as it is, with its replacement ready for when the provider answers that it is gone. Once it has
 * answered so, this process remembers it (per base URL) and later items go straight to the
 * replacement. Seed gateways map their own aliases: their IDs go out unchanged.
 */
import type { CatalogueModel } from './catalogue';
import type { ModelFacts, ModelNaming } from './lookup';
import { catalogueRecord, modelFacts, nameOn, recordById } from './lookup';
import type { Warning } from '../warnings';
import { notice } from '../warnings';

export interface ModelChoice {
	/** The ID the workflow holds. */
	asked: string;
	/** The ID to send. */
	sent: string;
	facts: ModelFacts;
	/** Why `sent` differs from `asked`. */
	warnings: Warning[];
	/** The ID to send instead when the provider answers that `sent` is gone. */
	onGone?: string;
}

/** Models a provider has answered "not found" for, by base URL: they stay gone. */
const gone = new Set<string>();
const goneKey = (baseUrl: string, model: string) => `${baseUrl}\n${model}`;

export function markGone(baseUrl: string, model: string): void {
	gone.add(goneKey(baseUrl, model));
}

function why(record: CatalogueModel, name: string): string {
	const { lifecycle } = record;
	if (lifecycle.status === 'shutDown') return `${name} was shut down by Google on ${lifecycle.shutdown}`;
	const announced = lifecycle.status === 'deprecated' && lifecycle.shutdown ? `, shutdown announced for ${lifecycle.shutdown}` : '';
	return `${name} is no longer served: the provider answered that the model is not found (${record.name} is deprecated${announced})`;
}

export function chooseModel(naming: ModelNaming, forwardsGoogleIds: boolean, asked: string, baseUrl: string): ModelChoice {
	// Only an ID that is Google's own name (or OpenRouter's slug) is renamed: a gateway's alias is the gateway's to map.
	const google: ModelNaming = { catalogueNames: naming.catalogueNames ?? 'id' };
	const asRecord = forwardsGoogleIds ? catalogueRecord(google, asked) : undefined;
	const choice: ModelChoice = { asked, sent: asked, facts: asRecord ? { record: asRecord } : modelFacts(naming, asked), warnings: [] };
	if (!asRecord) return choice;
	let record = asRecord;
	let name = asked;
	// The catalogue's chains are short (three links today); the bound only guards against a loop in the data.
	for (let hop = 0; hop < 8; hop++) {
		const lifecycle = record.lifecycle;
		const answeredGone = gone.has(goneKey(baseUrl, name));
		if (lifecycle.status !== 'shutDown' && !(answeredGone && lifecycle.status === 'deprecated')) break;
		const next = recordById(lifecycle.replacement);
		if (!next) break;
		const nextName = nameOn(google, next);
		choice.warnings.push(notice(`${why(record, name)}; sent ${nextName}`));
		record = next;
		name = nextName;
	}
	choice.sent = name;
	choice.facts = { record };
	if (record.lifecycle.status === 'deprecated') {
		const next = recordById(record.lifecycle.replacement);
		if (next) choice.onGone = nameOn(google, next);
	}
	return choice;
}

/** The choice once the provider has answered that `choice.sent` is gone: its replacement, said so. */
export function afterGone(naming: ModelNaming, choice: ModelChoice, baseUrl: string): ModelChoice {
	markGone(baseUrl, choice.sent);
	const next = chooseModel(naming, true, choice.sent, baseUrl);
	return { ...next, asked: choice.asked, warnings: [...choice.warnings, ...next.warnings] };
}
