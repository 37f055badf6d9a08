import type { INodeProperties } from 'n8n-workflow';

import type { INodePropertyOptions } from 'n8n-workflow';

import { CATALOGUE } from '../models/catalogue';
import type { AspectRatio } from '../models/imageSizes';
import { ASPECT_RATIOS, RATIO_PIXELS_1K } from '../models/imageSizes';
import { modelsTaking } from '../models/modelLimits';
import type { Provider } from '../route/providers';
import { PROVIDERS, PROVIDER_IDS } from '../route/providers';
import { DIALECTS } from '../wireFormats/openAiDialects';

const forEdit = { show: { operation: ['edit'] } };

// What the hints say about models comes from the catalogue (models/catalogue.ts).
const served = CATALOGUE.filter((m) => m.lifecycle.status !== 'shutDown');
const list = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
/** The served models that take a ratio, when not every one with known ratios does. */
const ratioTakers = (ratio: AspectRatio): string | undefined => {
	const takers = modelsTaking((m) => m.ratios?.includes(ratio) === true);
	return takers.length < served.filter((m) => m.ratios).length ? takers.join(' or ') : undefined;
};
const LONG_RATIOS = ASPECT_RATIOS.filter((r) => ratioTakers(r) !== undefined);
const LONG_RATIO_HINT = LONG_RATIOS.length > 0 ? ` ${list([...LONG_RATIOS])} need ${ratioTakers(LONG_RATIOS[0])}.` : '';
const ONE_SIZE = served.filter((m) => m.sizes.length === 1).map((m) => m.name);
const SMALLEST = modelsTaking((m) => m.sizes.includes('512'));
const INPUT_LIMITS = [...new Set(served.map((m) => m.maxInputs).filter((n): n is number => n !== undefined))]
	.sort((a, b) => a - b)
	.map((n) => `${list(served.filter((m) => m.maxInputs === n).map((m) => m.name))} up to ${n}`)
	.join('; ');

const ratioOptions: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => {
	const takers = ratioTakers(ratio);
	return { name: ratio, value: ratio, description: `${RATIO_PIXELS_1K[ratio].join(' x ')} at 1K${takers ? `; ${takers} only` : ''}` };
});

/** The model field of one provider in some node versions, starting at that provider's usual model. */
function modelProperty(provider: Provider, defaultModel: string, versions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options -- the list loads at run time (getModels) and holds this default
		default: defaultModel,
		required: true,
		displayOptions: { show: { provider: [provider.id], ...versions?.show } },
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
		hint: `${INPUT_LIMITS}. Gateways have their own limits: V-API up to ${DIALECTS.gptGe.maxImages.pro}; TheTurbo and Tu-zi flash models up to ${DIALECTS.theTurbo.maxImages.flash}.`,
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
		description: `Shape of the image. Auto leaves it to the model (usually 1:1).${LONG_RATIO_HINT}`,
		options: [{ name: 'Auto', value: 'auto', description: "The model's default" }, ...ratioOptions],
	},
	{
		...aspectRatioBase,
		displayOptions: forEdit,
		description:
			`Shape of the image. Match First Input Image picks the ratio the model takes that is closest to the first image's own width and height.${LONG_RATIO_HINT}`,
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
		description: `Size class of the image. 2K and 4K can take 2 to 3 minutes; ${list(ONE_SIZE)} make 1K only (a larger size is not sent, with a warning).`,
		options: [
			{ name: 'Auto', value: 'auto', description: "The model's default (usually 1K)" },
			{ name: '512', value: '512', description: `About 512 pixels; fast and cheap drafts, ${SMALLEST.join(' or ')} only` },
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
