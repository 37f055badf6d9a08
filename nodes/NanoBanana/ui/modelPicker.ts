/**
 * The Model list in the editor: the provider's documented models (the catalogue's, or a gateway's
 * seed presets), the image models its model list reports for the credential, and the value the
 * node holds, said for what it is (a custom ID, another provider's model, a shut-down model).
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { modelFacts, nameOn, recordById } from '../models/lookup';
import { modelIds } from '../models/modelList';
import { describeModel, presetsFor } from '../models/presets';
import { pickerConnection } from '../route/connection';
import type { Provider, ProviderId } from '../route/providers';
import { PROVIDERS, PROVIDER_IDS } from '../route/providers';

/** The image models the provider's list reports for this credential, beyond those already listed. */
async function reportedModels(ctx: ILoadOptionsFunctions, provider: Provider, known: Set<string>): Promise<INodePropertyOptions[]> {
	const modelList = provider.modelList;
	if (!modelList) return [];
	const connection = await pickerConnection(ctx, provider);
	const answer: unknown = await ctx.helpers.httpRequestWithAuthentication.call(ctx, connection.credentialType, {
		method: 'GET',
		url: `${connection.baseUrl}${modelList.path}`,
		json: true,
		timeout: 15000,
	});
	return modelIds(answer, modelList)
		.filter((id) => !known.has(id))
		.sort()
		.map((id) => {
			const record = modelFacts(provider, id).record;
			const description = record
				? `Reported by the gateway. ${describeModel(record, { name: true, price: provider.catalogueNames !== undefined })}`
				: "Reported by the gateway; not in this node's catalogue, so it is sent as it is, without checks";
			return { name: id, value: id, description };
		});
}

/** A saved workflow's model that Google has shut down: shown as what it now runs as. */
function retiredEntry(provider: Provider, current: string): INodePropertyOptions | undefined {
	const lifecycle = modelFacts(provider, current).record?.lifecycle;
	if (lifecycle?.status !== 'shutDown' || !provider.catalogueNames) return undefined;
	const next = recordById(lifecycle.replacement);
	const sent = next ? nameOn(provider, next) : lifecycle.replacement;
	return {
		name: `${current} (shut down: runs as ${sent})`,
		value: current,
		description: `Google shut this model down on ${lifecycle.shutdown}; the node sends ${sent} and says so in the output's warnings. Pick a current model to remove the warning.`,
	};
}

/**
 * The value the node holds, kept selectable when the list lacks it: an ID typed or imported for a
 * newer model, or one carried over from another provider (n8n keeps the model when the credential
 * switches the provider). Said which it is.
 */
function currentEntry(provider: Provider, current: string): INodePropertyOptions {
	const elsewhere = PROVIDER_IDS.find((id) => id !== provider.id && presetsFor(PROVIDERS[id]).some((m) => m.value === current));
	if (elsewhere) {
		return {
			name: `${current} (not listed for ${provider.displayName})`,
			value: current,
			description: `A ${PROVIDERS[elsewhere].displayName} model, kept from before the provider changed. Pick one of this list unless your gateway has it.`,
		};
	}
	return retiredEntry(provider, current) ?? { name: `${current} (Custom)`, value: current, description: 'The model ID this node is set to' };
}

export async function getModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const provider = PROVIDERS[this.getCurrentNodeParameter('provider') as ProviderId] ?? PROVIDERS.gptGe;
	const options: INodePropertyOptions[] = presetsFor(provider).map((m) => ({ name: m.name, value: m.value, description: m.description }));
	const known = new Set(options.map((o) => String(o.value)));
	try {
		for (const option of await reportedModels(this, provider, known)) {
			options.push(option);
			known.add(option.value as string);
		}
	} catch {
		// No credential yet, or the gateway has no model list: the documented models still show.
	}
	const current = this.getCurrentNodeParameter('model');
	if (typeof current === 'string' && current !== '' && !current.startsWith('=') && !known.has(current)) options.push(currentEntry(provider, current));
	return options;
}
