/**
 * The Google Gemini API route held to @google/genai: for Generate and Edit and the settings that
 * shape the request (aspect ratio, resolution, text, media resolution, extra fields, several
 * images, a model typed with `models/`, an input large enough for the Files API), the node's
 * requests equal the client's, but for the deliberate differences of differences.ts.
 */
import { bigPng } from '../concurrency/bigImage';
import { encodeJpeg, encodePng } from '../double/images';
import type { InputItem } from '../helpers/n8n';
import { genai } from './genai';
import type { ReferenceCase } from './referenceKit';
import { API_KEY, HEADERS_THAT_MATTER, describeReference } from './referenceKit';

const PROMPT = 'A yellow ceramic mug on a marble table, studio light';
// The client's own fetch: its default reaches for Node's undici dispatcher on a global jest's sandbox does not share.
const client = (url: string) => new genai.GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: url, fetch: async (input, init) => await fetch(input, init) } });
const product = encodePng(300, 200, 1);
const style = encodeJpeg(64, 64, 2);
const big = bigPng(21 * 1024 * 1024, 3);
const inputs = (binary: Record<string, { data: Buffer; mimeType: string; fileName: string }>): InputItem[] => [{ json: {}, binary }];
const text = { text: PROMPT };
const inline = (data: Buffer, mimeType: string) => ({ inlineData: { mimeType, data: data.toString('base64') } });

const CASES: ReferenceCase[] = [
	{
		name: 'Generate, the version 2 default model, nothing else set',
		node: { provider: 'google', parameters: { operation: 'generate', prompt: PROMPT } },
		client: async (url) => await client(url).models.generateContent({ model: 'gemini-nano-banana-2.1', contents: PROMPT, config: { responseModalities: ['IMAGE'] } }),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Generate with aspect ratio and resolution',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'gemini-3-pro-image', prompt: PROMPT, aspectRatio: '16:9', resolution: '2K' } },
		client: async (url) =>
			await client(url).models.generateContent({ model: 'gemini-3-pro-image', contents: PROMPT, config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } } }),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Generate with the model\'s text, 512 on Nano Banana 2, and an extra generationConfig field',
		node: {
			provider: 'google',
			parameters: { operation: 'generate', model: 'gemini-3.1-flash-image', prompt: PROMPT, aspectRatio: '1:8', resolution: '512', options: { includeText: true, extraFields: '{"generationConfig": {"temperature": 0.4}}' } },
		},
		client: async (url) =>
			await client(url).models.generateContent({
				model: 'gemini-3.1-flash-image',
				contents: PROMPT,
				config: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '1:8', imageSize: '512' }, temperature: 0.4 },
			}),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Generate two images: two calls, as the client makes them',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'gemini-2.5-flash-image', prompt: PROMPT, aspectRatio: '4:5', options: { numberOfImages: 2, concurrency: 1 } } },
		client: async (url) => {
			for (let n = 0; n < 2; n++) await client(url).models.generateContent({ model: 'gemini-2.5-flash-image', contents: PROMPT, config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } } });
		},
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Generate on the Flex tier: the top-level serviceTier field',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'gemini-3-pro-image', prompt: PROMPT, aspectRatio: '16:9', options: { serviceTier: 'flex' } } },
		client: async (url) =>
			await client(url).models.generateContent({ model: 'gemini-3-pro-image', contents: PROMPT, config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' }, serviceTier: genai.ServiceTier.FLEX } }),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Edit on the Priority tier',
		node: {
			provider: 'google',
			parameters: { operation: 'edit', model: 'gemini-3-pro-image', prompt: PROMPT, imageProperties: 'product', options: { serviceTier: 'priority' } },
			items: inputs({ product: { data: product, mimeType: 'image/png', fileName: 'product.png' } }),
		},
		client: async (url) =>
			await client(url).models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ role: 'user', parts: [text, inline(product, 'image/png')] }],
				config: { responseModalities: ['IMAGE'], serviceTier: genai.ServiceTier.PRIORITY },
			}),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Generate with a model typed as models/<id>',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'models/gemini-3-pro-image', prompt: PROMPT } },
		client: async (url) => await client(url).models.generateContent({ model: 'models/gemini-3-pro-image', contents: PROMPT, config: { responseModalities: ['IMAGE'] } }),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Edit two images inline, with media resolution',
		node: {
			provider: 'google',
			parameters: { operation: 'edit', model: 'gemini-3-pro-image', prompt: PROMPT, imageProperties: 'product, style', aspectRatio: '3:2', options: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' } },
			items: inputs({ product: { data: product, mimeType: 'image/png', fileName: 'product.png' }, style: { data: style, mimeType: 'image/jpeg', fileName: 'style.jpg' } }),
		},
		client: async (url) =>
			await client(url).models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ role: 'user', parts: [text, inline(product, 'image/png'), inline(style, 'image/jpeg')] }],
				config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' }, mediaResolution: 'MEDIA_RESOLUTION_HIGH' as never },
			}),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Edit an input too large to send inline: the Files API, then a fileData part',
		node: {
			provider: 'google',
			parameters: { operation: 'edit', model: 'gemini-3-pro-image', prompt: PROMPT, imageProperties: 'big, style' },
			items: inputs({ big: { data: big, mimeType: 'image/png', fileName: 'big.png' }, style: { data: style, mimeType: 'image/jpeg', fileName: 'style.jpg' } }),
		},
		client: async (url) => {
			const ai = client(url);
			const file = await ai.files.upload({ file: new Blob([big], { type: 'image/png' }), config: { mimeType: 'image/png', displayName: 'big.png' } });
			await ai.models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ role: 'user', parts: [text, { fileData: { mimeType: 'image/png', fileUri: file.uri } }, inline(style, 'image/jpeg')] }],
				config: { responseModalities: ['IMAGE'] },
			});
		},
		headers: HEADERS_THAT_MATTER.google,
		differences: ['uploadInOneRequest', 'noKeyOnUploadAddress', 'uploadBytesType'],
	},
];

describeReference('Google Gemini API: the node sends what @google/genai sends', CASES);
