/**
 * The workflows `npm run bench:n8n` runs inside real n8n, one per path a workflow author could
 * take to turn prompts into images. Each starts at a webhook (POST {prompts: [{prompt,
 * concurrency}]}), splits it into one item per prompt, turns them into images, and ends in an
 * Edit Fields node that says of each item whether it holds an image: the webhook answers with
 * those items once the run is over (or with n8n's error when the run failed).
 */
import { NODE_TYPE } from '../e2e/lib/examples';

export const BENCH_MODEL = 'nano-banana';
/** What every path asks the gateway for: the same size, base64 in the answer. */
export const BENCH_SIZE = '1024x1024';

export interface BenchCredentials {
	/** openAiCompatibleImageApi, no account cap. */
	ours: { id: string; name: string };
	/** openAiCompatibleImageApi with Max Requests in Flight 6. */
	oursCapped: { id: string; name: string };
	/** n8n's own openAiApi, its base URL at the double's OpenAI-style route. */
	openAi: { id: string; name: string };
}

let counter = 0;
const uid = () => `b3b3b3b3-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

const connect = (names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

function workflow(id: string, webhookPath: string, middle: Array<Record<string, unknown>>) {
	const nodes: Array<Record<string, unknown>> = [
		{
			id: uid(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: uid(),
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		},
		// n8n's own nodes, not Code nodes: on 2.x a Code node runs in the task runner, and its
		// round trips would weigh on every path alike.
		{
			id: uid(),
			name: 'Prompts',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [200, 0],
			parameters: { fieldToSplitOut: 'body.prompts', include: 'noOtherFields', options: {} },
		},
		...middle.map((node, i) => ({ id: uid(), position: [400 + 200 * i, 0], ...node })),
		{
			id: uid(),
			name: 'Count',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [400 + 200 * middle.length, 0],
			parameters: {
				mode: 'manual',
				assignments: { assignments: [{ id: uid(), name: 'hasImage', value: '={{ Object.keys($input.item.binary ?? {}).length > 0 }}', type: 'boolean' }] },
				includeOtherFields: false,
				options: {},
			},
		},
	];
	return {
		id,
		name: `Bench: ${webhookPath}`,
		active: true,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: connect(nodes.map((n) => n.name as string)),
	};
}

/** n8n alone: the webhook, the prompts and the count, no gateway call (what every path costs on top of the gateway). */
export function baselineWorkflow(id: string, webhookPath: string) {
	return workflow(id, webhookPath, []);
}

/** (a) Nano Banana, Generate; Concurrency from the webhook body. */
export function oursWorkflow(id: string, webhookPath: string, credential: { id: string; name: string }, typeVersion = 1) {
	return workflow(id, webhookPath, [
		{
			name: 'Nano Banana',
			type: NODE_TYPE,
			typeVersion,
			parameters: {
				provider: 'openAiCompatible',
				operation: 'generate',
				model: BENCH_MODEL,
				prompt: '={{ $json.prompt }}',
				options: { concurrency: '={{ $json.concurrency }}', responseFormat: 'b64_json', extraFields: JSON.stringify({ size: BENCH_SIZE }) },
			},
			credentials: { openAiCompatibleImageApi: credential },
		},
	]);
}

/** (b) n8n's OpenAI node, Image > Generate, its credential's base URL at the double. */
export function openAiNodeWorkflow(id: string, webhookPath: string, credential: { id: string; name: string }) {
	return workflow(id, webhookPath, [
		{
			name: 'OpenAI',
			type: '@n8n/n8n-nodes-langchain.openAi',
			typeVersion: 1.8,
			parameters: {
				resource: 'image',
				operation: 'generate',
				// A gateway's own model ID, as users type it (the node's list has only OpenAI's).
				model: `=${BENCH_MODEL}`,
				prompt: '={{ $json.prompt }}',
				options: { size: BENCH_SIZE },
			},
			credentials: { openAiApi: credential },
		},
	]);
}

/** (c) HTTP Request posting the same JSON, then Convert to File on the base64. */
export function httpRequestWorkflow(id: string, webhookPath: string, url: string, apiKey: string) {
	return workflow(id, webhookPath, [
		{
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url,
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] },
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify({ model: '${BENCH_MODEL}', prompt: $json.prompt, size: '${BENCH_SIZE}', response_format: 'b64_json' }) }}`,
				options: {},
			},
		},
		{
			name: 'Convert to File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			parameters: { operation: 'toBinary', sourceProperty: 'data[0].b64_json', options: { fileName: 'image.png', mimeType: 'image/png' } },
		},
	]);
}
