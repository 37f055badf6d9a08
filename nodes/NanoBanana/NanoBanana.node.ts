import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nodeProperties } from './description';
import { runImageCall } from './imageCall';
import type { ProviderId } from './providers';
import { PROVIDERS, PROVIDER_IDS, normalizeBaseUrl } from './providers';
import { readSettings } from './settings';

/** Ids a gateway's model list reports that look like image models. */
const IMAGE_MODEL = /image|banana|imagen/i;

export class NanoBanana implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Nano Banana',
		name: 'nanoBanana',
		icon: { light: 'file:nanoBanana.svg', dark: 'file:nanoBanana.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "edit" ? "Edit image" : "Generate image" }}: {{ $parameter["model"] }}',
		description:
			"Generate and edit images with Google's Gemini image models (Nano Banana) through OpenAI-style image gateways",
		defaults: {
			name: 'Nano Banana',
		},
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
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
				const options: INodePropertyOptions[] = provider.models.map((m) => ({
					name: m.name,
					value: m.value,
					description: m.description,
				}));
				const known = new Set(options.map((o) => o.value));
				try {
					const credentials = await this.getCredentials(provider.credentialType);
					const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
					const answer = (await this.helpers.httpRequestWithAuthentication.call(this, provider.credentialType, {
						method: 'GET',
						url: `${baseUrl}/v1/models`,
						json: true,
						timeout: 15000,
					})) as { data?: Array<{ id?: unknown }> };
					const ids = (answer?.data ?? [])
						.map((m) => (typeof m?.id === 'string' ? m.id : ''))
						.filter((id) => id !== '' && IMAGE_MODEL.test(id) && !known.has(id))
						.sort();
					for (const id of ids) {
						options.push({ name: id, value: id, description: 'Reported by the gateway' });
						known.add(id);
					}
				} catch {
					// No credential yet, or the gateway has no model list: the documented models still show.
				}
				const current = this.getCurrentNodeParameter('model');
				if (typeof current === 'string' && current !== '' && !current.startsWith('=') && !known.has(current)) {
					options.push({ name: `${current} (Custom)`, value: current, description: 'The model ID this node is set to' });
				}
				return options;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const settings = readSettings(this, itemIndex);
				returnData.push(...(await runImageCall(this, settings)));
			} catch (error) {
				if (this.continueOnFail()) {
					const e = error as { message?: string; description?: string | null; httpCode?: string | null };
					const json: IDataObject = { error: e.message ?? String(error) };
					if (e.description) json.description = e.description;
					if (e.httpCode) json.httpCode = e.httpCode;
					returnData.push({ json, pairedItem: { item: itemIndex } });
					continue;
				}
				if (error instanceof NodeOperationError || (error as { context?: unknown }).context !== undefined) {
					throw error;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		}

		return [returnData];
	}
}
