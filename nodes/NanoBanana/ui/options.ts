/**
 * The Options collection: settings most workflows leave at their defaults. Response Format shows
 * only for providers whose route can take it (route/capabilities.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { providersWith, providersWithout } from '../route/capabilities';

/** The batch operations: one job for the whole input, never more than a few requests at once. */
const BATCH_OPERATIONS = ['submitBatch', 'getBatch', 'cancelBatch'];
/** The batch operations that name a job and send no prompt. */
const NAMING_A_JOB = ['getBatch', 'cancelBatch'];

export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Allowed Link Hosts',
			name: 'allowedLinkHosts',
			type: 'string',
			default: '',
			displayOptions: { show: { '/operation': ['edit', 'submitBatch'], '/imageSource': ['url'] } },
			placeholder: 'e.g. cdn.shop.example, *.cloudfront.net',
			description:
				'The only hosts Image URLs and Mask URL may point at, separated by commas: a host name, or *.domain for its subdomains. A link to any other host, or a redirect to one, fails before anything is downloaded from it. Empty: any host.',
			hint: 'Set it whenever the links come from a webhook, a form or an AI agent: it keeps them off the n8n server\'s own network (cloud metadata, internal services).',
		},
		{
			displayName: 'Batch Display Name',
			name: 'batchDisplayName',
			type: 'string',
			default: '',
			displayOptions: { show: { '/operation': ['submitBatch'] } },
			placeholder: 'e.g. Spring catalogue, 4:5 ads',
			description: 'A name for the job, shown in Google AI Studio. Empty: the workflow\'s name and the execution.',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			default: 3,
			displayOptions: { show: { '@version': [1, 2] }, hide: { '/operation': BATCH_OPERATIONS } },
			typeOptions: { minValue: 1, maxValue: 20 },
			description:
				'The most requests to the gateway at once across all input items. Output order stays the same. When the gateway answers 429, the node runs fewer at once and slowly goes back up, so a value above the gateway\'s limit costs no images.',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			// Version 3: 0 is "Auto", the default of new nodes.
			default: 0,
			displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }] }, hide: { '/operation': BATCH_OPERATIONS } },
			typeOptions: { minValue: 0, maxValue: 100 },
			description:
				'The most requests to the gateway at once across all input items; 0 is Auto: start at 4 and double while the gateway takes every request, up to the batch, and run what the gateway took after its first 429. Later executions on the same credential start where the last one ended. Output order stays the same.',
			hint: '0 (Auto) suits most gateways. Set a number when your plan states its limit, or to hold one workflow below the others on the same key.',
		},
		{
			displayName: 'Do Not Store Requests',
			name: 'doNotStore',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/provider': providersWith('storeOptOut') }, hide: { '/operation': NAMING_A_JOB } },
			description: "Whether to ask Google not to store the request and its answer (the top-level store: false). Google's Gemini API stores requests by default for new paid projects.",
		},
		{
			displayName: 'Extra Request Fields (JSON)',
			name: 'extraFields',
			type: 'json',
			displayOptions: { hide: { '/operation': NAMING_A_JOB } },
			default: '{}',
			description:
				'Fields merged into the request as they are, for gateway settings this node does not know (for example {"user": "campaign-42"}). They override the node\'s own fields.',
		},
		{
			displayName: 'Ground in Google Search',
			name: 'googleSearch',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/provider': providersWith('geminiOptions') }, hide: { '/operation': NAMING_A_JOB } },
			description: "Whether to let the model search Google first (the googleSearch tool), for images with today's facts: an infographic of current figures, this week's weather. The searches and sources come out in the JSON field grounding, and the model's words in text.",
			hint: 'Google bills searches beyond a free monthly allowance. Show the search entry point (grounding.searchEntryPoint) where you publish the image, as Google asks.',
		},
		{
			displayName: "Include the Model's Text",
			name: 'includeText',
			type: 'boolean',
			displayOptions: { hide: { '/operation': NAMING_A_JOB } },
			default: false,
			description:
				"Whether to ask the model for words next to the image (Google's Gemini API; chat-completions routes always allow them). They come out in the JSON field text.",
		},
		{
			displayName: 'Include Thoughts',
			name: 'includeThoughts',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/provider': providersWith('geminiOptions') }, hide: { '/operation': NAMING_A_JOB } },
			description: 'Whether to output the interim images the model drafts while it thinks, as extra items flagged thought: true (the answer is never one of them)',
		},
		{
			displayName: 'Input Media Resolution',
			name: 'mediaResolution',
			type: 'options',
			displayOptions: { hide: { '/operation': NAMING_A_JOB } },
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
			displayName: 'JPEG Quality',
			name: 'jpegQuality',
			type: 'number',
			default: 75,
			typeOptions: { minValue: 0, maxValue: 100 },
			displayOptions: { show: { '/provider': providersWith('outputOptions') } },
			description: 'How much a JPEG output is compressed, from 0 (smallest) to 100 (best). Used only with Output Format JPEG.',
		},
		{
			displayName: 'Keep Conversation for Follow-Up Edits',
			name: 'keepConversation',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/provider': providersWith('conversation'), '/operation': ['generate', 'edit'] } },
			description: "Whether to put the conversation in the JSON field conversation: the turns so far, the images uploaded to Google's Files API (kept 48 hours), the model's thought signatures as received. A next Nano Banana Edit with Continue From Input Conversation, or an AI agent, goes on from it.",
			hint: 'Each image is uploaded once more, to the Files API: one extra request per image.',
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
			displayOptions: { hide: { '/operation': NAMING_A_JOB } },
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
			displayName: 'Output Format',
			name: 'outputMimeType',
			type: 'options',
			default: 'auto',
			displayOptions: { show: { '/provider': providersWith('outputOptions') } },
			description: 'The file type the model makes (Vertex AI). Auto: the model\'s own, PNG.',
			options: [
				{ name: 'Auto', value: 'auto' },
				{ name: 'JPEG', value: 'image/jpeg' },
				{ name: 'PNG', value: 'image/png' },
			],
		},
		{
			displayName: 'Response Format',
			name: 'responseFormat',
			type: 'options',
			default: 'auto',
			displayOptions: { hide: { '/provider': providersWithout('responseFormat') } },
			description:
				'How the gateway hands the image over. The node always downloads URLs at once (they expire within hours), so the output is the same.',
			options: [
				{ name: 'Auto', value: 'auto', description: "The gateway's default" },
				{ name: 'Base64', value: 'b64_json', description: 'The image inside the answer' },
				{ name: 'URL', value: 'url', description: 'A link the node downloads right away' },
			],
		},
		{
			displayName: 'Service Tier',
			name: 'serviceTier',
			type: 'options',
			default: 'standard',
			displayOptions: { show: { '/provider': providersWith('serviceTier'), '/operation': ['generate', 'edit'] } },
			description:
				"Google's inference tier for the call. The tier that served it is in the JSON field serviceTier, and cost is priced at it.",
			hint: 'Flex costs half and answers in 1 to 15 minutes (the node waits at least 15 minutes per call). For whole catalogues overnight, Submit Batch is half price too.',
			options: [
				{ name: 'Standard', value: 'standard', description: 'List price, an answer in seconds' },
				{ name: 'Flex', value: 'flex', description: 'Half price, best effort: answers in 1 to 15 minutes, and may be shed under load (retried)' },
				{ name: 'Priority', value: 'priority', description: 'Lowest latency at 75 to 100% over list price (paid tiers 2 and 3); Google may serve it as Standard' },
			],
		},
		{
			displayName: 'Thinking Level',
			name: 'thinkingLevel',
			type: 'options',
			default: 'auto',
			displayOptions: { show: { '/provider': providersWith('geminiOptions') }, hide: { '/operation': NAMING_A_JOB } },
			description: 'How long the model thinks before it draws (thinkingConfig.thinkingLevel): Nano Banana 2.1 and Nano Banana 2. Other models take no level: it is not sent, with a warning.',
			options: [
				{ name: 'Auto', value: 'auto', description: "The model's default" },
				{ name: 'High', value: 'high', description: 'The most thought: complex layouts, text in the image' },
				{ name: 'Low', value: 'low' },
				{ name: 'Medium', value: 'medium' },
				{ name: 'Minimal', value: 'minimal', description: 'The fastest' },
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
};
