import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { nodeProperties } from './description';
import { TOOL_DESCRIPTION } from './toolDescription';
import { runImageCall } from './imageCall';
import { modelIds } from './models/modelList';
import { modelFacts, nameOn, recordById } from './models/lookup';
import { describeModel, presetsFor } from './models/presets';
import type { Provider, ProviderId } from './providers';
import { PROVIDERS, PROVIDER_IDS, normalizeBaseUrl } from './providers';
import { GateClosedError, RequestGate } from './requestGate';
import { readConcurrency, readSettings } from './settings';

export class NanoBanana implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Nano Banana',
		name: 'nanoBanana',
		icon: { light: 'file:nanoBanana.svg', dark: 'file:nanoBanana.dark.svg' },
		group: ['transform'],
		// Version 2: Google's and OpenRouter's default model is the current Nano Banana 2 model
		// (version 1 nodes keep theirs; a retired model is sent as its replacement in both).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] === "edit" ? "Edit image" : "Generate image" }}: {{ $parameter["model"] }}',
		description:
			"Generate and edit images with Google's Gemini image models (Nano Banana) through Google's Gemini API, OpenRouter, or OpenAI-style image gateways",
		defaults: {
			name: 'Nano Banana',
		},
		// The tool n8n makes of this node gets a description written for the agent's model
		// (toolDescription.ts): the default of its Tool Description.
		usableAsTool: { replacements: { description: TOOL_DESCRIPTION } },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: PROVIDER_IDS.map((id) => ({
			name: PROVIDERS[id].credentialType,
			required: true,
			displayOptions: { show: { provider: [id] } },
		})),
		properties: nodeProperties,
	};

	methods = {
		loadOptions: {
			/** The provider's documented models, the image models its gateway reports, and the current value. */
			async getModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const providerId = this.getCurrentNodeParameter('provider') as ProviderId;
				const provider = PROVIDERS[providerId] ?? PROVIDERS.gptGe;
				const options: INodePropertyOptions[] = presetsFor(provider).map((m) => ({
					name: m.name,
					value: m.value,
					description: m.description,
				}));
				const known = new Set(options.map((o) => o.value));
				try {
					const credentials = await this.getCredentials(provider.credentialType);
					const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
					const answer: unknown = await this.helpers.httpRequestWithAuthentication.call(this, provider.credentialType, {
						method: 'GET',
						url: `${baseUrl}${provider.modelList.path}`,
						json: true,
						timeout: 15000,
					});
					const ids = modelIds(answer, provider.modelList).filter((id) => !known.has(id)).sort();
					for (const id of ids) {
						const record = modelFacts(provider, id).record;
						options.push({
							name: id,
							value: id,
							description: record ? `Reported by the gateway. ${describeModel(record, { name: true, price: provider.catalogueNames !== undefined })}` : "Reported by the gateway; not in this node's catalogue, so it is sent as it is, without checks",
						});
						known.add(id);
					}
				} catch {
					// No credential yet, or the gateway has no model list: the documented models still show.
				}
				// Keep the value the node holds selectable even when this list lacks it: an ID typed or
				// imported for a newer model, or one carried over from another provider (n8n keeps the
				// model when the credential switches the provider). Say which it is.
				const current = this.getCurrentNodeParameter('model');
				if (typeof current === 'string' && current !== '' && !current.startsWith('=') && !known.has(current)) {
					const elsewhere = PROVIDER_IDS.find((id) => id !== provider.id && presetsFor(PROVIDERS[id]).some((m) => m.value === current));
					options.push(
						elsewhere
							? {
									name: `${current} (not listed for ${provider.displayName})`,
									value: current,
									description: `A ${PROVIDERS[elsewhere].displayName} model, kept from before the provider changed. Pick one of this list unless your gateway has it.`,
								}
							: retiredEntry(provider, current) ?? { name: `${current} (Custom)`, value: current, description: 'The model ID this node is set to' },
					);
				}
				return options;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const gate = new RequestGate(readConcurrency(this));
		const results: INodeExecutionData[][] = new Array(items.length);
		const failures: Array<{ itemIndex: number; error: unknown }> = [];

		const processItem = async (itemIndex: number) => {
			try {
				results[itemIndex] = await runImageCall({ ctx: this, s: readSettings(this, itemIndex), gate: gate.forItem(itemIndex) });
			} catch (error) {
				// Never sent: an earlier item's failure stops the node.
				if (error instanceof GateClosedError) return;
				if (this.continueOnFail()) {
					results[itemIndex] = [{ json: errorJson(error), pairedItem: { item: itemIndex } }];
				} else {
					failures.push({ itemIndex, error });
					// One item at a time, no later item would have been sent: none starts from now on.
					gate.stopFrom(itemIndex);
				}
			}
		};

		// Items run side by side; the gate alone caps the requests in flight. Twice as many
		// workers as slots: while some items decode and store their images, others are ready to
		// take the slots their requests have freed. Results keep the input order.
		let next = 0;
		const worker = async () => {
			while (failures.length === 0 && next < items.length) await processItem(next++);
		};
		await Promise.all(Array.from({ length: Math.min(2 * gate.limit, items.length) }, worker));

		if (failures.length > 0) {
			// Like a run one item at a time: the first failing item's error stops the node.
			const { itemIndex, error } = failures.sort((a, b) => a.itemIndex - b.itemIndex)[0];
			if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
		return [results.flat()];
	}
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

/** The item that stands for a failed one under "Continue On Fail". */
function errorJson(error: unknown): IDataObject {
	const e = error as { message?: string; description?: string | null; httpCode?: string | null; context?: { itemIndex?: number } };
	const json: IDataObject = { error: e.message ?? String(error) };
	if (e.description) json.description = e.description;
	if (e.httpCode) json.httpCode = e.httpCode;
	return json;
}
