/**
 * Edits in rounds on Google's Gemini API. The example (examples/rounds/edit-in-rounds.json): a
 * product photo (a Code node standing in for your image source), then three Nano Banana Edit nodes
 * in a chain, each going on from the last one's conversation: the same product, a change each
 * round. And the same through an AI agent: its Nano Banana tool goes on from the conversation its
 * last call returned, which the agent's model passes back.
 */
import { conversationToolParameters } from '../../nodes/NanoBanana/ui/toolDescription';
import { agentWorkflow } from './agentWorkflow';

export const ROUNDS_CREDENTIAL = { id: 'nbExampleGoogle1', name: 'Google Gemini API account' } as const;
export const ROUNDS_WORKFLOW_ID = 'nbExEditInRounds';
export const ROUNDS = [
	{ name: 'Round 1: new scene', prompt: 'Put this product on a white marble kitchen counter by a window, morning light. Keep the product exactly as it is.' },
	{ name: 'Round 2: red glaze', prompt: 'Now make the mug glossy red. Keep everything else.' },
	{ name: 'Round 3: evening', prompt: 'Same mug, same counter: turn the light into a warm evening glow.' },
] as const;

const NODE_TYPE = 'n8n-nodes-nano-banana.nanoBanana';
const id = (n: number) => `e0f1a2b3-0000-4000-8000-0000000004${String(n).padStart(2, '0')}`;
const link = (node: string) => ({ node, type: 'main', index: 0 });
const google = { googleGeminiImageApi: { ...ROUNDS_CREDENTIAL } };

/** The chain: the photo, then each round going on from the conversation of the one before. */
export function roundsWorkflow(sample: { name: string; code: string }) {
	const rounds = ROUNDS.map((round, i) => ({
		parameters: {
			provider: 'google',
			operation: 'edit',
			model: 'gemini-3-pro-image',
			prompt: round.prompt,
			...(i === 0 ? { imageProperties: 'data' } : { continueConversation: true }),
			aspectRatio: i === 0 ? 'matchInput' : 'auto',
			options: { keepConversation: true },
		},
		id: id(2 + i),
		name: round.name,
		type: NODE_TYPE,
		typeVersion: 3,
		position: [440 + 220 * i, 0],
		credentials: google,
		...(i === 1 ? { notes: 'Continue From Input Conversation: the earlier turns go back as they came, with the thought signatures Nano Banana needs to keep the product the same.', notesInFlow: true } : {}),
	}));
	const names = ["When clicking 'Execute workflow'", sample.name, ...ROUNDS.map((r) => r.name)];
	return {
		id: ROUNDS_WORKFLOW_ID,
		name: 'Nano Banana: edit a product photo in rounds, keeping the product (Google Gemini API)',
		nodes: [
			{ parameters: {}, id: id(0), name: names[0], type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { jsCode: sample.code }, id: id(1), name: sample.name, type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0] },
			...rounds,
		],
		connections: Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[link(names[i + 1])]] }])),
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		meta: { templateCredsSetupCompleted: false },
		tags: [],
	};
}

/** An AI Agent whose Nano Banana tool edits in rounds (Google's Gemini API). */
export function agentRoundsWorkflow(workflowId: string, openAi: { id: string; name: string }, agentVersion = 3) {
	return agentWorkflow(workflowId, 'edit', { gateway: ROUNDS_CREDENTIAL, openAi }, agentVersion, {}, {
		name: 'Nano Banana: an AI agent edits a picture in rounds',
		text: 'Put our mug from https://shop.example.com/photos/mug.png on a beach towel, then make the towel red.',
		parameters: { provider: 'google', operation: 'edit', model: 'gemini-3-pro-image', ...conversationToolParameters(), resolution: 'auto', options: { keepConversation: true } },
		credentials: google,
	});
}
