/**
 * A workflow where n8n's AI Agent has Nano Banana as its image tool: Manual Trigger -> AI Agent,
 * with the OpenAI Chat Model (chat completions) as its model and the Nano Banana Tool as its tool.
 * The author sets the tool's provider, credential, model and operation; the prompt, the aspect
 * ratio and (Edit) the image links are the model's, through $fromAI expressions written for a
 * model (nodes/NanoBanana/ui/toolDescription.ts). examples/agent/ai-agent-image-tool.json is the
 * Generate one (scripts/make-examples.ts writes it); e2e/agent.e2e.ts runs both.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { toolParameters } from '../../nodes/NanoBanana/ui/toolDescription';
import { NODE_TYPE } from './examples';

/** Placeholder credentials of the agent example, by credential type. */
export const AGENT_EXAMPLE_CREDENTIALS = {
	openAiCompatibleImageApi: { id: 'nbExampleOpenAi1', name: 'OpenAI-compatible image gateway' },
	openAiApi: { id: 'nbExampleAgentLm1', name: 'OpenAI account (the agent\'s model)' },
} as const;

/** A tool set up otherwise than on the OpenAI-compatible gateway: the agent's task, the tool's parameters and credentials. */
export interface AgentToolSetup {
	name: string;
	text: string;
	parameters: Record<string, unknown>;
	credentials: Record<string, { id: string; name: string }>;
}

/** The version of an n8n AI node a user adding it today gets on this host (its file under n8n-nodes-langchain's dist/nodes). */
export function defaultNodeVersion(hostDir: string, relative: string, fallback: number): number {
	const file = path.join(hostDir, 'node_modules', '@n8n', 'n8n-nodes-langchain', 'dist', 'nodes', relative);
	const m = /defaultVersion:\s*([\d.]+)/.exec(readFileSync(file, 'utf8'));
	return m ? Number(m[1]) : fallback;
}

export function agentWorkflow(
	id: string,
	operation: 'generate' | 'edit',
	credentials: { gateway: { id: string; name: string }; openAi: { id: string; name: string } },
	agentVersion = 3,
	/** The tool's options beyond the answer format (Allowed Link Hosts, ...). */
	toolOptions: Record<string, unknown> = {},
	/** Another tool setup (another provider, other fields) in the same agent workflow. */
	setup?: AgentToolSetup,
) {
	const { gateway, openAi } = credentials;
	const uid = (n: number) => `a9a9a9a9-0000-4000-8000-${String(n).padStart(12, '0')}`;
	return {
		id,
		name: setup?.name ?? (operation === 'edit' ? 'Nano Banana: an AI agent edits images it is given as links' : 'Nano Banana: an AI agent makes the images it needs'),
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: uid(1), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: uid(2),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: agentVersion,
				position: [240, 0],
				parameters: {
					promptType: 'define',
					text:
						setup?.text ??
						(operation === 'edit'
							? 'Put our product from https://shop.example.com/photos/mug.png on a beach towel for the summer sale, same shape as the photo.'
							: 'Make a 16:9 summer sale banner: a banana on a striped beach towel, with the words SUMMER SALE.'),
					options: {},
				},
			},
			{
				id: uid(3),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				// 1.2: chat completions (1.3 defaults to the Responses API).
				typeVersion: 1.2,
				position: [160, 220],
				parameters: { model: { __rl: true, value: 'gpt-4o-mini', mode: 'list', cachedResultName: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: openAi },
			},
			{
				id: uid(4),
				name: 'Nano Banana',
				type: `${NODE_TYPE}Tool`,
				typeVersion: 3,
				position: [360, 220],
				// The author's part: provider, credential, model, operation. The prompt, the ratio and
				// the links are the model's, through the $fromAI expressions the README gives.
				parameters: setup?.parameters ?? {
					provider: 'openAiCompatible',
					operation,
					model: 'nano-banana',
					...toolParameters(operation),
					resolution: 'auto',
					options: operation === 'edit' ? { responseFormat: 'b64_json', ...toolOptions } : toolOptions,
				},
				credentials: setup?.credentials ?? { openAiCompatibleImageApi: gateway },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Nano Banana': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

