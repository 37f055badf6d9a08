import type { INodeProperties } from 'n8n-workflow';

import type { INodePropertyOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, NANO_BANANA_2_RATIOS, PROVIDERS, PROVIDER_IDS, RATIO_PIXELS_1K } from './providers';

const forEdit = { show: { operation: ['edit'] } };

const ratioOptions: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => ({
	name: ratio,
	value: ratio,
	description: `${RATIO_PIXELS_1K[ratio].join(' x ')} at 1K${NANO_BANANA_2_RATIOS.includes(ratio) ? '; Gemini 3.1 Flash Image only' : ''}`,
}));

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
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generate',
		options: [
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate an image from text',
				description: 'Create images from a text prompt',
			},
			{
				name: 'Edit',
				value: 'edit',
				action: 'Edit images with a text prompt',
				description: 'Change, combine or restyle images from the input item, guided by a prompt',
			},
		],
	},
	// One model field per provider, so that each starts at that provider's usual model.
	...PROVIDER_IDS.map(
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- set below, per provider
		(id): INodeProperties => ({
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			default: PROVIDERS[id].defaultModel,
			required: true,
			displayOptions: { show: { provider: [id] } },
			typeOptions: {
				loadOptionsMethod: 'getModels',
				loadOptionsDependsOn: ['provider'],
			},
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: 'The list holds the models this gateway documents and the image models it reports. Gateways add and rename models often: switch to Expression to type any model ID.',
		}),
	),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A studio photo of a ceramic mug on a marble table, soft morning light',
		description:
			'What to draw, or for Edit what to change. Ask for a picture plainly: the models can answer with text only when the prompt does not ask for an image.',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		default: 'binary',
		displayOptions: forEdit,
		description: 'Where the images to edit come from',
		options: [
			{ name: 'Binary Properties of the Item', value: 'binary', description: 'Images an earlier node put into the item (Read Files, HTTP Request, a form upload ...)' },
			{ name: 'Image URLs', value: 'url', description: 'Links to the images: the node downloads them (a product photo column, a CMS field, a webhook body)' },
		],
	},
	{
		displayName: 'Input Image Properties',
		name: 'imageProperties',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { operation: ['edit'], imageSource: ['binary'] } },
		placeholder: 'e.g. data, product, style',
		description:
			'Names of the input item\'s binary properties that hold the images to send, separated by commas. They are sent in this order.',
		hint: 'V-API takes up to 6 images; Gemini 2.5 Flash models up to 3, Gemini 3 Pro and 3.1 Flash up to 14 (TheTurbo and Tu-zi flash models: 3)',
	},
	{
		displayName: 'Mask Property',
		name: 'maskProperty',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['edit'], imageSource: ['binary'], provider: ['gptGe', 'tuZi', 'openAiCompatible'] } },
		placeholder: 'e.g. mask',
		description:
			'Optional binary property holding a mask: a PNG the size of the first image, transparent where the image should change. Leave empty to let the model decide.',
	},
	{
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 2 },
		displayOptions: { show: { operation: ['edit'], imageSource: ['url'] } },
		placeholder: 'e.g. https://shop.example.com/photos/mug.jpg',
		description:
			'Links (http or https) to the images to edit, in order: one per line, separated by commas, or an expression that returns a list. Each must point at a PNG, JPEG or WebP file of at most 20 MB, not at a web page.',
		hint: 'Downloaded without your API key, with the same retries as the answers',
	},
	{
		displayName: 'Mask URL',
		name: 'maskUrl',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['edit'], imageSource: ['url'], provider: ['gptGe', 'tuZi', 'openAiCompatible'] } },
		placeholder: 'e.g. https://shop.example.com/masks/mug-background.png',
		description: 'Optional link to a mask: a PNG the size of the first image, transparent where the image should change',
	},
	{
		...aspectRatioBase,
		displayOptions: { show: { operation: ['generate'] } },
		description: 'Shape of the image. Auto leaves it to the model (usually 1:1). 1:4, 4:1, 1:8 and 8:1 need Gemini 3.1 Flash Image.',
		options: [{ name: 'Auto', value: 'auto', description: "The model's default" }, ...ratioOptions],
	},
	{
		...aspectRatioBase,
		displayOptions: forEdit,
		description:
			"Shape of the image. Match First Input Image picks the ratio closest to the first image's own width and height. 1:4, 4:1, 1:8 and 8:1 need Gemini 3.1 Flash Image.",
		options: [
			{ name: 'Auto', value: 'auto', description: "The model's default (often the first image's shape)" },
			{ name: 'Match First Input Image', value: 'matchInput', description: "The supported ratio closest to the first input image's shape" },
			...ratioOptions,
		],
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: 'auto',
		description:
			'Size class of the image. 2K and 4K need a model that supports them (pro models) and can take 2 to 3 minutes.',
		// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items -- by size, smallest first
		options: [
			{ name: 'Auto', value: 'auto', description: "The model's default (usually 1K)" },
			{ name: '512', value: '512', description: 'About 512 pixels; fast and cheap drafts, Gemini 3.1 Flash Image only' },
			{ name: '1K', value: '1K', description: 'About 1024 pixels on the short side of a square' },
			{ name: '2K', value: '2K', description: 'About 2048 pixels' },
			{ name: '4K', value: '4K', description: 'About 4096 pixels; large files, slow' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				default: 3,
				typeOptions: { minValue: 1, maxValue: 20 },
				description:
					'The most requests to the gateway at once across all input items. Output order stays the same. When the gateway answers 429, the node runs fewer at once and slowly goes back up, so a value above the gateway\'s limit costs no images.',
			},
			{
				displayName: 'Extra Request Fields (JSON)',
				name: 'extraFields',
				type: 'json',
				default: '{}',
				description:
					'Fields merged into the request as they are, for gateway settings this node does not know (for example {"user": "campaign-42"}). They override the node\'s own fields.',
			},
			{
				displayName: "Include the Model's Text",
				name: 'includeText',
				type: 'boolean',
				default: false,
				description:
					"Whether to ask the model for words next to the image (Google's Gemini API; chat-completions routes always allow them). They come out in the JSON field text.",
			},
			{
				displayName: 'Input Media Resolution',
				name: 'mediaResolution',
				type: 'options',
				default: 'auto',
				description: "How finely Gemini reads the input images (Google's Gemini API and TheTurbo style gateways)",
				options: [
					{ name: 'Auto', value: 'auto' },
					{ name: 'High', value: 'MEDIA_RESOLUTION_HIGH' },
					{ name: 'Low', value: 'MEDIA_RESOLUTION_LOW' },
					{ name: 'Medium', value: 'MEDIA_RESOLUTION_MEDIUM' },
				],
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 0, maxValue: 10 },
				description:
					'How often to try again when the gateway is busy or fails (429, 5xx, dropped connections, timeouts, "upstream saturated"). Waits grow each time and follow the gateway\'s Retry-After. A 429 while the node is still lowering its concurrency does not count.',
			},
			{
				displayName: 'Number of Images',
				name: 'numberOfImages',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 1, maxValue: 10 },
				description:
					'How many images to make per input item. Gateways without an image count get one request per image.',
			},
			{
				displayName: 'On Text-Only Answer',
				name: 'onTextAnswer',
				type: 'options',
				default: 'error',
				description:
					'What to do when the model answers with words instead of an image (the call is usually billed)',
				options: [
					{ name: 'Fail the Item', value: 'error', description: 'Stop with an error that shows the text' },
					{ name: 'Output the Text', value: 'output', description: 'Return an item with the text in JSON fields text and noImage' },
				],
			},
			{
				displayName: 'Output Binary Property',
				name: 'outputProperty',
				type: 'string',
				default: 'data',
				description: 'Name of the binary property each output image is written to',
			},
			{
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				default: 'auto',
				displayOptions: { hide: { '/provider': ['google', 'openRouter'] } },
				description:
					'How the gateway hands the image over. The node always downloads URLs at once (they expire within hours), so the output is the same.',
				options: [
					{ name: 'Auto', value: 'auto', description: "The gateway's default" },
					{ name: 'Base64', value: 'b64_json', description: 'The image inside the answer' },
					{ name: 'URL', value: 'url', description: 'A link the node downloads right away' },
				],
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0 },
				description:
					'How long to wait for the gateway to answer one request. 0 picks a default that fits the resolution: 180 s up to 2K, 600 s for 4K.',
			},
		],
	},
];
