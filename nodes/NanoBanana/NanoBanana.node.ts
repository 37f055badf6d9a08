import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runBatch } from './batch';
import { runJobOperation } from './batchMode/batchJobs';
import { runSubmitBatch } from './batchMode/submitBatch';
import { vertexAiConnectionTest } from './route/googleCloudTest';
import { PROVIDERS, PROVIDER_IDS } from './route/providers';
import { nodeProperties } from './ui/description';
import { getModels } from './ui/modelPicker';
import { TOOL_DESCRIPTION } from './ui/toolDescription';

export class NanoBanana implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Nano Banana',
		name: 'nanoBanana',
		icon: { light: 'file:nanoBanana.svg', dark: 'file:nanoBanana.dark.svg' },
		group: ['transform'],
		// Version 2: Google's and OpenRouter's default model is the current Nano Banana 2 model
		// (version 1 nodes keep theirs; a retired model is sent as its replacement in both).
		// Version 3: Concurrency Auto is the default (versions 1 and 2 keep their 3).
		// Batch mode (Submit, Get, Cancel Batch) and Service Tier are new settings in every version: no change for saved workflows.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: '={{ {"edit": "Edit image", "submitBatch": "Submit batch", "getBatch": "Get batch", "cancelBatch": "Cancel batch"}[$parameter["operation"]] ?? "Generate image" }}{{ ["getBatch", "cancelBatch"].includes($parameter["operation"]) ? "" : ": " + $parameter["model"] }}',
		description:
			"Generate and edit images with Google's Gemini image models (Nano Banana) through Google's Gemini API, Vertex AI, OpenRouter, or OpenAI-style image gateways",
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
			// A credential that signs its own calls is tested by the node (a declarative test cannot sign).
			...(PROVIDERS[id].credentialTest ? { testedBy: PROVIDERS[id].credentialTest } : {}),
		})),
		properties: nodeProperties,
	};

	methods = {
		loadOptions: { getModels },
		credentialTest: { vertexAiConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Batch mode takes the whole input as one job (Submit) or each item as a job's name (Get, Cancel).
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'submitBatch') return await runSubmitBatch(this);
		if (operation === 'getBatch' || operation === 'cancelBatch') return await runJobOperation(this, operation);
		return await runBatch(this);
	}
}
