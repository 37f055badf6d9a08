/**
 * The node's parameters, as n8n's editor shows them. Which provider shows which setting comes from
 * route/capabilities.ts; what the hints say about models, from ui/modelHints.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

import { gatewayInputLimits, providersWith, providersWithout } from '../route/capabilities';
import type { Provider } from '../route/providers';
import { PROVIDERS, PROVIDER_IDS } from '../route/providers';
import { INPUT_LIMITS, LONG_RATIO_HINT, ONE_SIZE, SMALLEST, list, ratioOptions } from './modelHints';
import { optionsCollection } from './options';

/** Where a field shows for Edit: the Edit operation, and Submit Batch of edits. */
const EDITING: Array<Record<string, string[]>> = [{ operation: ['edit'] }, { operation: ['submitBatch'], batchOf: ['edit'] }];
/** Where a field shows for Generate: the Generate operation, and Submit Batch of generations. */
const GENERATING: Array<Record<string, string[]>> = [{ operation: ['generate'] }, { operation: ['submitBatch'], batchOf: ['generate'] }];
/** The batch operations that read no prompt, model or image settings: they name a job. */
const NAMING_A_JOB = { operation: ['getBatch', 'cancelBatch'] };

/** One field for each place it shows (n8n ORs values within a condition, never conditions): same name, same default. */
function showIn(places: Array<Record<string, string[]>>, property: INodeProperties): INodeProperties[] {
	return places.map((place) => ({ ...property, displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, ...place } } }));
}

const GENERATE_AND_EDIT = [
	{ name: 'Generate', value: 'generate', action: 'Generate an image from text', description: 'Create images from a text prompt' },
	{ name: 'Edit', value: 'edit', action: 'Edit images with a text prompt', description: 'Change, combine or restyle images from the input item, guided by a prompt' },
];

const BATCH_OPERATIONS = [
	{ name: 'Submit Batch', value: 'submitBatch', action: 'Submit a batch job at half price', description: 'Send every input item as one batch job: half price, results within 24 hours' },
	{ name: 'Get Batch', value: 'getBatch', action: 'Get a batch job', description: "A batch job's state, or once it has succeeded its images" },
	{ name: 'Cancel Batch', value: 'cancelBatch', action: 'Cancel a batch job', description: 'Stop a batch job that has not finished' },
];

/** The operation field: Generate and Edit everywhere, the batch operations where the provider has batch mode. */
function operationProperties(): INodeProperties[] {
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- generate is among the options of both fields
	const base = { displayName: 'Operation', name: 'operation', type: 'options', noDataExpression: true, default: 'generate' } as const;
	// n8n's node panel lists the actions of the first field named operation, and a chosen action
	// sets the first provider that field shows for: that must stay the default provider.
	return [
		{ ...base, displayOptions: { show: { provider: providersWithout('batch') } }, options: GENERATE_AND_EDIT },
		{ ...base, displayOptions: { show: { provider: providersWith('batch') } }, options: [...GENERATE_AND_EDIT, ...BATCH_OPERATIONS] },
	];
}

/** Submit Batch's own fields: what its requests are, and whether to wait for the job. */
const submitBatchProperties: INodeProperties[] = [
	{
		displayName: 'Requests',
		name: 'batchOf',
		type: 'options',
		default: 'generate',
		displayOptions: { show: { operation: ['submitBatch'] } },
		description: 'What each request of the job does: each input item becomes one request (or one per image under Number of Images)',
		options: [
			{ name: 'Generate', value: 'generate', description: 'Images from each item\'s prompt' },
			{ name: 'Edit', value: 'edit', description: "Each item's images (binary properties or links), changed by its prompt" },
		],
	},
];

/** After the job's fields: whether Submit Batch waits for the job, and how long. */
const waitProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['submitBatch'] } },
		description: 'Whether to poll the job inside this execution until it ends or the time below runs out. When it succeeds in time, the node outputs its images as Get Batch does; otherwise its state.',
		hint: 'Jobs usually take minutes to hours (up to 24). For long jobs, leave this off and use Wait and Get Batch nodes: see the example workflow in the README.',
	},
	{
		displayName: 'Wait Up To (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 1, maxValue: 1440 },
		displayOptions: { show: { operation: ['submitBatch'], waitForCompletion: [true] } },
		description: 'How long to poll before returning the job\'s state. The polls back off from 10 seconds to 2 minutes.',
	},
];

/** Get and Cancel Batch: the job, by the name Submit Batch gave it. */
const batchNameProperty: INodeProperties = {
	displayName: 'Batch Name',
	name: 'batchName',
	type: 'string',
	default: '={{ $json.batchName }}',
	required: true,
	displayOptions: { show: NAMING_A_JOB },
	placeholder: 'e.g. batches/123abc',
	description: 'The job\'s name, as Submit Batch outputs it in batchName (batches/...). The default reads it from the input item.',
};

/** The model field of one provider in some node versions, starting at that provider's usual model. */
function modelProperty(provider: Provider, defaultModel: string, versions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- the list loads at run time (getModels) and holds this default
		default: defaultModel,
		required: true,
		displayOptions: { show: { provider: [provider.id], ...versions?.show }, hide: NAMING_A_JOB },
		typeOptions: {
			loadOptionsMethod: 'getModels',
			loadOptionsDependsOn: ['provider'],
		},
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: provider.catalogueNames
			? 'The list holds the Nano Banana models Google serves today and the image models the key reports. A model Google has shut down is sent as its replacement, with a warning.'
			: 'The list holds the models this gateway documents and the image models it reports. Gateways add and rename models often: switch to Expression to type any model ID.',
	};
}

const aspectRatioBase = {
	displayName: 'Aspect Ratio',
	name: 'aspectRatio',
	type: 'options',
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- auto is among the options of both parameters below
	default: 'auto',
} as const;

export const nodeProperties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- options are built from PROVIDERS; gptGe is among them
		default: 'gptGe',
		description: 'The image gateway to call. Each one has its own credential.',
		options: PROVIDER_IDS.map((id) => ({ name: PROVIDERS[id].displayName, value: id })),
	},
	...operationProperties(),
	...submitBatchProperties,
	batchNameProperty,
	// One model field per provider, so that each starts at that provider's usual model; where
	// version 2 changed that default, one field per version (saved workflows leave defaults out).
	...PROVIDER_IDS.flatMap((id): INodeProperties[] => {
		const provider = PROVIDERS[id];
		if (!provider.currentDefault || provider.currentDefault === provider.defaultModel) return [modelProperty(provider, provider.defaultModel)];
		return [
			modelProperty(provider, provider.defaultModel, { show: { '@version': [1] } }),
			modelProperty(provider, provider.currentDefault, { show: { '@version': [{ _cnd: { gte: 2 } }] } }),
		];
	}),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: { hide: NAMING_A_JOB },
		placeholder: 'e.g. A studio photo of a ceramic mug on a marble table, soft morning light',
		description:
			'What to draw, or for Edit what to change. Ask for a picture plainly: the models can answer with text only when the prompt does not ask for an image.',
	},
	{
		displayName: 'Continue From Input Conversation',
		name: 'continueConversation',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['edit'], provider: providersWith('conversation') } },
		description:
			"Whether to go on from the input item's conversation (its JSON field conversation, from a Nano Banana node with Keep Conversation for Follow-Up Edits): the earlier turns go back as they came, and the prompt is the next instruction. An item without one is edited from its images as usual.",
		hint: 'The model keeps the character, product and layout across turns: "now make the jacket red", "same person, other background".',
	},
	{
		displayName: 'Conversation',
		name: 'conversation',
		type: 'string',
		default: '={{ $json.conversation }}',
		displayOptions: { show: { operation: ['edit'], continueConversation: [true], provider: providersWith('conversation') } },
		description:
			'The conversation to go on from, as a Nano Banana node put it out. The default reads the input item\'s JSON field conversation; for an AI agent\'s tool, let the model pass back the conversation the last call returned.',
	},
	...showIn(EDITING, {
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		default: 'binary',
		description: 'Where the images to edit come from',
		options: [
			{ name: 'Binary Properties of the Item', value: 'binary', description: 'Images an earlier node put into the item (Read Files, HTTP Request, a form upload ...)' },
			{ name: 'Image URLs', value: 'url', description: 'Links to the images: the node downloads them (a product photo column, a CMS field, a webhook body)' },
		],
	}),
	...showIn(EDITING, {
		displayName: 'Input Image Properties',
		name: 'imageProperties',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { imageSource: ['binary'] } },
		placeholder: 'e.g. data, product, style',
		description:
			'Names of the input item\'s binary properties that hold the images to send, separated by commas. They are sent in this order.',
		hint: `${INPUT_LIMITS}. Gateways have their own limits: ${gatewayInputLimits()}.`,
	}),
	{
		displayName: 'Mask Property',
		name: 'maskProperty',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['edit'], imageSource: ['binary'], provider: providersWith('mask') } },
		placeholder: 'e.g. mask',
		description:
			'Optional binary property holding a mask: a PNG the size of the first image, transparent where the image should change. Leave empty to let the model decide.',
	},
	...showIn(EDITING, {
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 2 },
		displayOptions: { show: { imageSource: ['url'] } },
		placeholder: 'e.g. https://shop.example.com/photos/mug.jpg',
		description:
			'Links (http or https) to the images to edit, in order: one per line, separated by commas, or an expression that returns a list. Each must point at a PNG, JPEG or WebP file of at most 20 MB, not at a web page.',
		hint: 'Downloaded without your API key, with the same retries as the answers. When the links come from a webhook, a form or an AI agent, set Options > Allowed Link Hosts.',
	}),
	{
		displayName: 'Mask URL',
		name: 'maskUrl',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['edit'], imageSource: ['url'], provider: providersWith('mask') } },
		placeholder: 'e.g. https://shop.example.com/masks/mug-background.png',
		description: 'Optional link to a mask: a PNG the size of the first image, transparent where the image should change',
	},
	...showIn(GENERATING, {
		...aspectRatioBase,
		description: `Shape of the image. Auto leaves it to the model (usually 1:1).${LONG_RATIO_HINT}`,
		options: [{ name: 'Auto', value: 'auto', description: "The model's default" }, ...ratioOptions],
	}),
	...showIn(EDITING, {
		...aspectRatioBase,
		description:
			`Shape of the image. Match First Input Image picks the ratio the model takes that is closest to the first image's own width and height.${LONG_RATIO_HINT}`,
		options: [
			{ name: 'Auto', value: 'auto', description: "The model's default (often the first image's shape)" },
			{ name: 'Match First Input Image', value: 'matchInput', description: "The supported ratio closest to the first input image's shape" },
			...ratioOptions,
		],
	}),
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: 'auto',
		displayOptions: { hide: NAMING_A_JOB },
		description: `Size class of the image. 2K and 4K can take 2 to 3 minutes; ${list(ONE_SIZE)} make 1K only (a larger size is not sent, with a warning).`,
		options: [
			{ name: 'Auto', value: 'auto', description: "The model's default (usually 1K)" },
			{ name: '512', value: '512', description: `About 512 pixels; fast and cheap drafts, ${SMALLEST.join(' or ')} only` },
			{ name: '1K', value: '1K', description: 'About 1024 pixels on the short side of a square' },
			{ name: '2K', value: '2K', description: 'About 2048 pixels' },
			{ name: '4K', value: '4K', description: 'About 4096 pixels; large files, slow' },
		],
	},
	...waitProperties,
	optionsCollection,
];
