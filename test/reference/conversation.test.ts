/**
 * Issue 25's requests held to @google/genai: edits in rounds (three Nano Banana nodes in a chain,
 * each going on from the last one's conversation) send what the client's `chats` sends for its
 * second and third messages, the model's image parts and their thought signatures as received; the
 * Google Search tool, the thinking level and thoughts, and the opt-out of storage go as the
 * client's `tools`, `thinkingConfig` and `store` do.
 */
import { genai } from './genai';
import type { ReferenceCase } from './referenceKit';
import { API_KEY, HEADERS_THAT_MATTER, describeReference, runNodeAt } from './referenceKit';

const client = (url: string) => new genai.GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: url, fetch: async (input, init) => await fetch(input, init) } });
const MODEL = 'gemini-3-pro-image';
const ROUNDS = ['A woman in a blue jacket in a park', 'Now make the jacket red', 'Same woman, a beach at sunset'];
const PROMPT = "An infographic of this week's banana prices";

const CASES: ReferenceCase[] = [
	{
		name: 'Three rounds of edits: the second and third requests equal chats.sendMessage\'s',
		node: async (server) => {
			let result = await runNodeAt(server, { provider: 'google', parameters: { operation: 'generate', model: MODEL, prompt: ROUNDS[0], options: { keepConversation: true } } });
			for (const prompt of ROUNDS.slice(1)) {
				if (result.error) return result;
				result = await runNodeAt(server, { provider: 'google', parameters: { operation: 'edit', model: MODEL, prompt, continueConversation: true, options: { keepConversation: true } }, items: [{ json: result.items[0].json }] });
			}
			return result;
		},
		client: async (url) => {
			const chat = client(url).chats.create({ model: MODEL, config: { responseModalities: ['IMAGE'] } });
			for (const message of ROUNDS) await chat.sendMessage({ message });
		},
		headers: HEADERS_THAT_MATTER.google,
		differences: ['conversationImagesAsFiles'],
	},
	{
		name: 'Ground in Google Search: tools [{googleSearch: {}}], text and image',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'gemini-nano-banana-2.1', prompt: PROMPT, options: { googleSearch: true } } },
		client: async (url) => await client(url).models.generateContent({ model: 'gemini-nano-banana-2.1', contents: PROMPT, config: { responseModalities: ['TEXT', 'IMAGE'], tools: [{ googleSearch: {} }] } }),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Thinking Level high with Include Thoughts, and Do Not Store Requests',
		node: { provider: 'google', parameters: { operation: 'generate', model: 'gemini-nano-banana-2.1', prompt: PROMPT, options: { thinkingLevel: 'high', includeThoughts: true, doNotStore: true } } },
		client: async (url) =>
			await client(url).models.generateContent({
				model: 'gemini-nano-banana-2.1',
				contents: PROMPT,
				config: { responseModalities: ['IMAGE'], thinkingConfig: { thinkingLevel: genai.ThinkingLevel.HIGH, includeThoughts: true }, store: false },
			}),
		headers: HEADERS_THAT_MATTER.google,
	},
];

describeReference('Google Gemini API, edits in rounds and the Gemini options: the node sends what @google/genai sends', CASES);
