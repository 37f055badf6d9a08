/**
 * The provider double's chat completions with image output, from ../shared/ROUTES.md alone:
 * `POST /v1/chat/completions` under OpenRouter's prefix (`/openRouter`) and under every OpenAI-style
 * gateway prefix (gateways serve the Gemini image models there too). OpenRouter also has
 * `GET /v1/models` (no key needed, as on openrouter.ai; `?output_modalities=image` keeps the image
 * models) and `GET /v1/key` (the key's own data: 401 for a wrong key).
 *
 * Checks (400, OpenAI-style error): a JSON object of documented fields only (model, messages,
 * modalities, image_config, stream false, and the usual sampling fields); `model` non-empty;
 * `messages` a non-empty list of {role, content}, content a string or a list of `text` and
 * `image_url` parts; every `image_url.url` an http(s) link or a data URL holding a PNG, JPEG or WebP
 * in valid base64; `modalities` from image/text; `image_config` only `aspect_ratio` (the table;
 * 1:4 4:1 1:8 8:1 for the models that take them) and `image_size` (the model's sizes, 512 spelled
 * `0.5K` on OpenRouter). OpenRouter answers 400 "... is not a valid model ID" for a slug it does not
 * list (the retired previews) and reports `usage.cost`; other gateways take any model ID (they map
 * their own aliases), with the limits of Google's model of that ID, or 1K/2K/4K and the ten ratios.
 * Without "image" in `modalities` the model answers with words only. The answer carries the image
 * where `settings.chatAnswer` says, the ways gateways do: `images` (message.images, OpenRouter's),
 * `contentParts` (content as a list with an image_url part), `dataUrlText` (a data URL inside the
 * text), `markdownLink` (`![image](https://files...)` in the text, the file on the file host).
 */
import { randomBytes } from 'node:crypto';

import type { Answer, RouteContext } from './doubleKit';
import { EXTRA_RATIOS, GATEWAY_DEFAULT, GEMINI_RATIOS, GOOGLE_MODELS, HttpError, googleModel, jsonAnswer, nearestOf, nextSeed, nowSeconds } from './doubleKit';
import { encodeJpeg, encodePng, readImageSize } from './images';

export type ChatAnswerShape = 'images' | 'contentParts' | 'dataUrlText' | 'markdownLink';

/** OpenRouter's list today: `google/` + Google's image IDs, and models of other makers. */
export const OPENROUTER_MODELS = [
	...Object.keys(GOOGLE_MODELS).map((id) => ({ id: `google/${id}`, output: ['image', 'text'] })),
	{ id: 'openai/gpt-5-image', output: ['image', 'text'] },
	{ id: 'google/gemini-2.5-flash', output: ['text'] },
];

/** OpenRouter's dollars per image-output token, for `usage.cost` (about $0.039 for 1290 tokens). */
const OPENROUTER_TOKEN_PRICE = 0.00003;

const TOP_LEVEL = new Set(['model', 'messages', 'modalities', 'image_config', 'stream', 'temperature', 'top_p', 'max_tokens', 'seed', 'user', 'provider', 'usage', 'reasoning', 'n']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(message: string, param: string | null = null): HttpError {
	return new HttpError(400, { error: { message, type: 'invalid_request_error', param, code: 'invalid_request' } });
}

export function createChatRoute(ctx: RouteContext, settings: { chatAnswer: ChatAnswerShape }) {
	const imageOf = (url: string, where: string): { width: number; height: number } | undefined => {
		if (/^https?:\/\//i.test(url)) return undefined;
		const m = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]*={0,2})$/.exec(url);
		if (!m || m[2].length % 4 !== 0) throw bad(`${where}: expected an http(s) URL or a base64 data URL of a PNG, JPEG or WebP image`, 'messages');
		const size = readImageSize(Buffer.from(m[2], 'base64'));
		if (!size) throw bad(`${where}: the data URL does not hold a valid image`, 'messages');
		return size;
	};

	return (body: Record<string, unknown> | undefined, openRouterSizes: boolean): Answer => {
		if (!body) throw bad('Invalid request body: expected a JSON object with Content-Type application/json.');
		for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw bad(`Unrecognized request argument supplied: ${key}`, key);
		const model = body.model;
		if (typeof model !== 'string' || model.trim() === '') throw bad("Missing required parameter: 'model'.", 'model');
		if (body.stream === true) throw bad('This double does not stream.', 'stream');
		const messages = body.messages;
		if (!Array.isArray(messages) || messages.length === 0) throw bad("Missing required parameter: 'messages'.", 'messages');
		let prompt = '';
		const inputs: Array<{ width: number; height: number }> = [];
		messages.forEach((message, i) => {
			if (!isObject(message) || !['system', 'user', 'assistant'].includes(String(message.role))) throw bad(`messages[${i}]: needs a role of system, user or assistant`, 'messages');
			const content = message.content;
			if (typeof content === 'string') prompt += content;
			else if (Array.isArray(content) && content.length > 0) {
				content.forEach((part, p) => {
					const where = `messages[${i}].content[${p}]`;
					if (isObject(part) && part.type === 'text' && typeof part.text === 'string') prompt += part.text;
					else if (isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
						const size = imageOf(part.image_url.url, where);
						if (size) inputs.push(size);
					} else throw bad(`${where}: expected {"type": "text", "text"} or {"type": "image_url", "image_url": {"url"}}`, 'messages');
				});
			} else throw bad(`messages[${i}].content: a string or a non-empty list of parts`, 'messages');
		});
		const modalities = body.modalities ?? ['text'];
		if (!Array.isArray(modalities) || modalities.some((m) => m !== 'image' && m !== 'text')) throw bad("'modalities' takes \"image\" and \"text\"", 'modalities');
		const config = body.image_config ?? {};
		if (!isObject(config)) throw bad("'image_config' must be an object", 'image_config');
		for (const key of Object.keys(config)) if (key !== 'aspect_ratio' && key !== 'image_size') throw bad(`Unrecognized image_config field: ${key}`, 'image_config');
		// OpenRouter knows its slugs (a retired one is "not a valid model ID"); a gateway maps its own aliases.
		const known = googleModel(model);
		if (openRouterSizes && !OPENROUTER_MODELS.some((m) => m.id === model && m.output.includes('image'))) {
			throw bad(`${model} is not a valid model ID`, 'model');
		}
		const facts = known ?? GATEWAY_DEFAULT;
		const ratios = Object.keys(GEMINI_RATIOS).filter((r) => facts.longRatios || !EXTRA_RATIOS.includes(r));
		const ratio = config.aspect_ratio;
		if (ratio !== undefined && !ratios.includes(String(ratio))) throw bad(`Unsupported aspect_ratio ${JSON.stringify(ratio)} for ${model}`, 'image_config');
		const small = openRouterSizes ? '0.5K' : '512';
		const sizes = (facts.sizes.length > 0 ? facts.sizes : ['1K']).map((sz) => (sz === '512' ? small : sz));
		const size = config.image_size;
		if (size !== undefined && !sizes.includes(String(size))) throw bad(`Unsupported image_size ${JSON.stringify(size)} for ${model}`, 'image_config');

		const promptTokens = Math.max(1, Math.ceil(prompt.length / 4)) + inputs.length * 258;
		const reply = (message: Record<string, unknown>, completion: number) =>
			jsonAnswer(200, {
				id: `gen-${randomBytes(6).toString('hex')}`,
				object: 'chat.completion',
				created: nowSeconds(),
				model,
				choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
				usage: {
					prompt_tokens: promptTokens,
					completion_tokens: completion,
					total_tokens: promptTokens + completion,
					// OpenRouter reports what the call cost; other gateways do not.
					...(openRouterSizes ? { cost: Math.round(completion * OPENROUTER_TOKEN_PRICE * 1e6) / 1e6 } : {}),
				},
			});
		if (!modalities.includes('image')) return reply({ content: `I would draw: ${prompt}` }, 40);

		const first = inputs[0];
		const chosen = ratio !== undefined ? String(ratio) : first ? nearestOf(first.width, first.height, ratios) : '1:1';
		const scale = size === small ? 0.5 : size === '2K' ? 2 : size === '4K' ? 4 : 1;
		const [w, h] = GEMINI_RATIOS[chosen].map((v) => Math.round(v * scale));
		const format = ctx.imageFormat;
		const bytes = (format === 'png' ? encodePng : encodeJpeg)(w, h, nextSeed(), prompt);
		const dataUrl = `data:${format === 'png' ? 'image/png' : 'image/jpeg'};base64,${bytes.toString('base64')}`;
		switch (settings.chatAnswer) {
			case 'contentParts':
				return reply({ content: [{ type: 'text', text: 'Here is your image.' }, { type: 'image_url', image_url: { url: dataUrl } }] }, 1290);
			case 'dataUrlText':
				return reply({ content: `Here is your image: ${dataUrl}` }, 1290);
			case 'markdownLink':
				return reply({ content: `Here is your image:\n\n![image](${ctx.storeImage(bytes, format)})` }, 1290);
			default:
				return reply({ content: 'Here is your image.', images: [{ type: 'image_url', image_url: { url: dataUrl } }] }, 1290);
		}
	};
}

export function openRouterModels(query: URLSearchParams): Answer {
	const wanted = query.get('output_modalities');
	const models = OPENROUTER_MODELS.filter((m) => !wanted || wanted.split(',').every((w) => m.output.includes(w)));
	return jsonAnswer(200, { data: models.map((m) => ({ id: m.id, name: m.id, architecture: { output_modalities: m.output } })) });
}
