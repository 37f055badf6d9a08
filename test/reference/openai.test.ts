/**
 * The routes OpenAI's client speaks, held to `openai`: OpenRouter's chat completions (Generate,
 * Edit, an image-only model), an OpenAI-compatible gateway's Images API (Generate with size,
 * count and answer format; Edit with a mask; several images as `image[]`) and its chat endpoint.
 * The node's requests equal the client's. The seed gateways have no client: their seeds are the
 * reference (test/double, test/node).
 */
import OpenAI, { toFile } from 'openai';

import { encodeJpeg, encodePng } from '../double/images';
import type { InputItem } from '../helpers/n8n';
import { PROVIDERS } from '../../nodes/NanoBanana/route/providers';
import type { ReferenceCase } from './referenceKit';
import { API_KEY, HEADERS_THAT_MATTER, describeReference } from './referenceKit';

const PROMPT = 'Put this mug on a marble table';
const product = encodePng(120, 160, 4);
const style = encodeJpeg(48, 48, 5);
const mask = encodePng(120, 160, 6);
const item: InputItem[] = [
	{
		json: {},
		binary: {
			data: { data: product, mimeType: 'image/png', fileName: 'product.png' },
			style: { data: style, mimeType: 'image/jpeg', fileName: 'style.jpg' },
			mask: { data: mask, mimeType: 'image/png', fileName: 'mask.png' },
		},
	},
];
const dataUrl = (bytes: Buffer, type: string) => `data:${type};base64,${bytes.toString('base64')}`;
/** OpenRouter's documents show the client with the attribution headers as default headers. */
const openRouter = (url: string) => new OpenAI({ apiKey: API_KEY, baseURL: `${url}/api/v1`, defaultHeaders: PROVIDERS.openRouter.headers, maxRetries: 0 });
const gateway = (url: string) => new OpenAI({ apiKey: API_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
/** Fields OpenAI's types do not name (OpenRouter's and Gemini's), passed through as the client passes any field. */
type ChatBody = Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'modalities'> & { modalities: Array<'image' | 'text'>; image_config?: Record<string, string> };
const chat = async (client: OpenAI, body: ChatBody) => await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);

const CASES: ReferenceCase[] = [
	{
		name: 'OpenRouter: Generate, the version 2 default model',
		node: { provider: 'openRouter', basePath: '/api', parameters: { operation: 'generate', prompt: PROMPT } },
		client: async (url) => await chat(openRouter(url), { model: 'google/gemini-nano-banana-2.1', messages: [{ role: 'user', content: PROMPT }], modalities: ['image', 'text'] }),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenRouter: Generate at 9:16 and 512 (spelled 0.5K there)',
		node: { provider: 'openRouter', basePath: '/api', parameters: { operation: 'generate', model: 'google/gemini-3.1-flash-image', prompt: PROMPT, aspectRatio: '9:16', resolution: '512' } },
		client: async (url) =>
			await chat(openRouter(url), {
				model: 'google/gemini-3.1-flash-image',
				messages: [{ role: 'user', content: PROMPT }],
				modalities: ['image', 'text'],
				image_config: { aspect_ratio: '9:16', image_size: '0.5K' },
			}),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenRouter: Edit two images, as data URLs in one user message',
		node: { provider: 'openRouter', basePath: '/api', parameters: { operation: 'edit', model: 'google/gemini-3-pro-image', prompt: PROMPT, imageProperties: 'data, style' }, items: item },
		client: async (url) =>
			await chat(openRouter(url), {
				model: 'google/gemini-3-pro-image',
				messages: [
					{
						role: 'user',
						content: [
							{ type: 'text', text: PROMPT },
							{ type: 'image_url', image_url: { url: dataUrl(product, 'image/png') } },
							{ type: 'image_url', image_url: { url: dataUrl(style, 'image/jpeg') } },
						],
					},
				],
				modalities: ['image', 'text'],
			}),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenRouter: an image-only model of another vendor asks for modalities ["image"]',
		node: { provider: 'openRouter', basePath: '/api', parameters: { operation: 'generate', model: 'black-forest-labs/flux.2-pro', prompt: PROMPT } },
		client: async (url) => await chat(openRouter(url), { model: 'black-forest-labs/flux.2-pro', messages: [{ role: 'user', content: PROMPT }], modalities: ['image'] }),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenAI-compatible Images: Generate with size, count and answer format',
		node: {
			provider: 'openAiCompatible',
			credential: { endpoint: 'images', dialect: 'openai' },
			parameters: { operation: 'generate', model: 'nano-banana', prompt: PROMPT, aspectRatio: '16:9', resolution: '2K', options: { numberOfImages: 2, responseFormat: 'b64_json' } },
		},
		client: async (url) => await gateway(url).images.generate({ model: 'nano-banana', prompt: PROMPT, size: '2688x1536' as never, n: 2, response_format: 'b64_json' }),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenAI-compatible Images: Edit one image with a mask',
		node: {
			provider: 'openAiCompatible',
			credential: { endpoint: 'images', dialect: 'openai' },
			parameters: { operation: 'edit', model: 'nano-banana', prompt: PROMPT, maskProperty: 'mask', aspectRatio: '3:4' },
			items: item,
		},
		client: async (url) =>
			await gateway(url).images.edit({
				model: 'nano-banana',
				prompt: PROMPT,
				size: '864x1184' as never,
				image: await toFile(product, 'product.png', { type: 'image/png' }),
				mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
			}),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenAI-compatible Images, Image Field Name image[]: Edit two images',
		node: {
			provider: 'openAiCompatible',
			credential: { endpoint: 'images', dialect: 'openai', imageField: 'image[]' },
			parameters: { operation: 'edit', model: 'gemini-3-pro-image-preview', prompt: PROMPT, imageProperties: 'data, style' },
			items: item,
		},
		client: async (url) =>
			await gateway(url).images.edit({
				model: 'gemini-3-pro-image-preview',
				prompt: PROMPT,
				image: [await toFile(product, 'product.png', { type: 'image/png' }), await toFile(style, 'style.jpg', { type: 'image/jpeg' })],
			}),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenAI-compatible chat endpoint: Generate with the gateway\'s alias',
		node: { provider: 'openAiCompatible', credential: { endpoint: 'chatCompletions' }, parameters: { operation: 'generate', model: 'nano-banana', prompt: PROMPT, aspectRatio: '21:9' } },
		client: async (url) => await chat(gateway(url), { model: 'nano-banana', messages: [{ role: 'user', content: PROMPT }], modalities: ['image', 'text'], image_config: { aspect_ratio: '21:9' } }),
		headers: HEADERS_THAT_MATTER.openAi,
	},
	{
		name: 'OpenAI-compatible chat endpoint: Edit one image at 4:3, 1K',
		node: {
			provider: 'openAiCompatible',
			credential: { endpoint: 'chatCompletions' },
			parameters: { operation: 'edit', model: 'gemini-3-pro-image', prompt: PROMPT, aspectRatio: '4:3', resolution: '1K' },
			items: item,
		},
		client: async (url) =>
			await chat(gateway(url), {
				model: 'gemini-3-pro-image',
				messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }, { type: 'image_url', image_url: { url: dataUrl(product, 'image/png') } }] }],
				modalities: ['image', 'text'],
				image_config: { aspect_ratio: '4:3', image_size: '1K' },
			}),
		headers: HEADERS_THAT_MATTER.openAi,
	},
];

describeReference('OpenAI-style routes: the node sends what the openai client sends', CASES);
