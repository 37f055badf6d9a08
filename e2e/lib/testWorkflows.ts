/**
 * Small workflows the end-to-end suites build for themselves (the example workflows in examples/
 * are what users import; these exist to put one behaviour under test inside real n8n).
 */
import { NODE_TYPE, type ExampleWorkflow } from './examples';
import { CREDENTIAL_TYPE_OF } from './examples';

export interface NanoBananaCredentialRef {
	provider: string;
	id: string;
	name: string;
}

let counter = 0;
const uid = (prefix: string) => `${prefix}-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

function nanoBananaNode(name: string, credential: NanoBananaCredentialRef, parameters: Record<string, unknown>, typeVersion = 1) {
	return {
		id: uid('b0b0b0b0'),
		name,
		type: NODE_TYPE,
		typeVersion,
		position: [480, 0],
		parameters: { provider: credential.provider, operation: 'generate', ...parameters },
		credentials: { [CREDENTIAL_TYPE_OF[credential.provider]]: { id: credential.id, name: credential.name } },
	};
}

const connect = (from: string, to: string) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

/**
 * Manual trigger -> a Code node that puts out one item per prompt -> Nano Banana "Generate" with
 * the prompt from each item (`={{ $json.prompt }}`).
 */
export function promptsWorkflow(
	id: string,
	prompts: string[],
	credential: NanoBananaCredentialRef,
	parameters: Record<string, unknown> = {},
	/** The Nano Banana node's version (saved workflows of version 1 keep version 1's defaults). */
	typeVersion = 1,
): ExampleWorkflow {
	const trigger = 'Start';
	const code = 'Prompts';
	const node = 'Nano Banana';
	return {
		id,
		name: `Test: ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: uid('a0a0a0a0'), name: trigger, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: uid('c0c0c0c0'),
				name: code,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [240, 0],
				parameters: { jsCode: `return ${JSON.stringify(prompts.map((prompt) => ({ json: { prompt } })))};` },
			},
			nanoBananaNode(node, credential, { prompt: '={{ $json.prompt }}', ...parameters }, typeVersion),
		],
		connections: { ...connect(trigger, code), ...connect(code, node) },
	};
}

/**
 * Webhook (POST /webhook/<path>, the body's `prompt`) -> Nano Banana "Generate" -> the webhook
 * answers with the first image's bytes once the workflow has finished (`answer: 'image'`), or
 * at once, before the node runs (`answer: 'at once'`).
 */
export function webhookWorkflow(
	id: string,
	webhookPath: string,
	credential: NanoBananaCredentialRef,
	parameters: Record<string, unknown> = {},
	answer: 'image' | 'at once' = 'image',
): ExampleWorkflow {
	const hook = 'Webhook';
	const node = 'Nano Banana';
	return {
		id,
		name: `Test: ${id}`,
		active: true,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: uid('d0d0d0d0'),
				name: hook,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uid('e0e0e0e0'),
				parameters:
					answer === 'image'
						? { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryBinary', options: {} }
						: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
			},
			nanoBananaNode(node, credential, { prompt: '={{ $json.body.prompt }}', ...parameters }),
		],
		connections: connect(hook, node),
	};
}
