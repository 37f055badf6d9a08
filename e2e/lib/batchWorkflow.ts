/**
 * The batch mode example (examples/batch/catalogue-batch-half-price.json): a catalogue's prompts
 * (a Code node standing in for a sheet or a product feed) go as one batch job at half price; a
 * Wait node and Get Batch poll it, and an If node loops back to Wait until the job is done, then
 * hands the images on. A job takes minutes to hours: the example waits 10 minutes between polls;
 * the e2e suite runs it with a wait of a few seconds.
 */
export const BATCH_EXAMPLE_CREDENTIAL = { id: 'nbExampleGoogle1', name: 'Google Gemini API account' } as const;
export const BATCH_WORKFLOW_ID = 'nbExBatchCatalog';
export const BATCH_NODES = { prompts: 'Catalogue prompts', submit: 'Submit batch (half price)', wait: 'Wait', get: 'Get batch', done: 'Job done?', images: 'Images' } as const;

const NODE_TYPE = 'n8n-nodes-nano-banana.nanoBanana';
const id = (n: number) => `e0f1a2b3-0000-4000-8000-0000000003${String(n).padStart(2, '0')}`;
const link = (node: string, index = 0) => ({ node, type: 'main', index });

const PRODUCTS = ['a matte teal ceramic coffee mug', 'a walnut cutting board with brass handles', 'a linen tote bag in mustard yellow'];

export function batchWorkflow(waitSeconds = 600) {
	const code = [
		'// The catalogue: one item per product, its prompt in json.prompt. Replace this node with',
		'// your product feed (Google Sheets, a database, an HTTP Request ...).',
		`const products = ${JSON.stringify(PRODUCTS)};`,
		'return products.map((product) => ({ json: { product, prompt: `Studio product photo of ${product} on a plain warm-grey background, soft daylight, 4:5 for a social feed` } }));',
	].join('\n');
	const google = { googleGeminiImageApi: { ...BATCH_EXAMPLE_CREDENTIAL } };
	return {
		id: BATCH_WORKFLOW_ID,
		name: 'Nano Banana: a catalogue as one batch job at half price (Google Gemini API)',
		nodes: [
			{ parameters: {}, id: id(0), name: "When clicking 'Execute workflow'", type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { jsCode: code }, id: id(1), name: BATCH_NODES.prompts, type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0] },
			{
				parameters: { provider: 'google', operation: 'submitBatch', model: 'gemini-nano-banana-2.1', prompt: '={{ $json.prompt }}', aspectRatio: '4:5', resolution: '1K', options: { batchDisplayName: 'Catalogue 4:5' } },
				id: id(2),
				name: BATCH_NODES.submit,
				type: NODE_TYPE,
				typeVersion: 3,
				position: [440, 0],
				credentials: google,
				notes: 'One job for every item, at half the price of Generate. It outputs one item: the job (batchName, state, keys).',
				notesInFlow: true,
			},
			{ parameters: { amount: waitSeconds, unit: 'seconds' }, id: id(3), name: BATCH_NODES.wait, type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [660, 0], webhookId: 'b7c1d2e3-0000-4000-8000-000000000301' },
			{ parameters: { provider: 'google', operation: 'getBatch', batchName: '={{ $json.batchName }}', options: {} }, id: id(4), name: BATCH_NODES.get, type: NODE_TYPE, typeVersion: 3, position: [880, 0], credentials: google },
			{
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose' },
						conditions: [{ id: 'b7c1d2e3-0000-4000-8000-000000000302', leftValue: '={{ $json.done }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
						combinator: 'and',
					},
					options: {},
				},
				id: id(5),
				name: BATCH_NODES.done,
				type: 'n8n-nodes-base.if',
				typeVersion: 2,
				position: [1100, 0],
				notes: 'Done: the images (one item each, json.key names the catalogue item). Not yet: wait and ask again.',
				notesInFlow: true,
			},
			{ parameters: {}, id: id(6), name: BATCH_NODES.images, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [1320, -100] },
		],
		connections: {
			"When clicking 'Execute workflow'": { main: [[link(BATCH_NODES.prompts)]] },
			[BATCH_NODES.prompts]: { main: [[link(BATCH_NODES.submit)]] },
			[BATCH_NODES.submit]: { main: [[link(BATCH_NODES.wait)]] },
			[BATCH_NODES.wait]: { main: [[link(BATCH_NODES.get)]] },
			[BATCH_NODES.get]: { main: [[link(BATCH_NODES.done)]] },
			[BATCH_NODES.done]: { main: [[link(BATCH_NODES.images)], [link(BATCH_NODES.wait)]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		meta: { templateCredsSetupCompleted: false },
		tags: [],
	};
}
