/**
 * Reading a Gemini `generateContent` answer into the node's one answer shape:
 * `candidates[].content.parts[]` (`inlineData` images, `fileData` images given as a file URI,
 * `text`; `thought` parts skipped), each candidate's `finishReason` and `finishMessage`,
 * `promptFeedback.blockReason`, `usageMetadata` (ROUTES.md; the shapes of @google/genai's
 * GenerateContentResponse, held to recorded answers in test/reference).
 */
import type { IDataObject } from 'n8n-workflow';

import { endedEarly } from '../answers/finishReasons';
import type { GatewayAnswer, ImageEntry } from '../answers/gatewayAnswer';
import { addText, errorFromObject, isObject, str } from '../answers/gatewayAnswer';

/**
 * An image the answer names by file URI. A file of the provider's own Files API (`files/x`, or a
 * URI on the credential's host) is fetched from its download address with the credential; any
 * other link is a plain download, without the key.
 */
function fileImage(fileData: Record<string, unknown>, baseUrl: string): ImageEntry | undefined {
	const uri = str(fileData.fileUri) ?? str(fileData.file_uri);
	if (!uri) return undefined;
	const origin = /^https?:\/\//i.test(baseUrl) ? new URL(baseUrl).origin : undefined;
	const own = /^files\/([\w-]+)$/.exec(uri) ?? (origin && uri.startsWith(`${origin}/`) ? /\/files\/([\w-]+)$/.exec(uri) : null);
	if (own) return { providerFile: `${baseUrl}/v1beta/files/${own[1]}:download?alt=media` };
	return { url: uri };
}

/** A grounded candidate's metadata as an item shows it: the searches, the sources (title and link) and the search entry point Google asks apps to show. */
function readGrounding(metadata: unknown): IDataObject | undefined {
	if (!isObject(metadata)) return undefined;
	const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
	const sources = (Array.isArray(metadata.groundingChunks) ? metadata.groundingChunks : [])
		.map((chunk) => (isObject(chunk) ? (isObject(chunk.web) ? chunk.web : isObject(chunk.image) ? chunk.image : undefined) : undefined))
		.filter((source): source is Record<string, unknown> => source !== undefined)
		.map((source) => ({ title: str(source.title) ?? null, uri: str(source.uri) ?? null }));
	const entry = isObject(metadata.searchEntryPoint) ? str(metadata.searchEntryPoint.renderedContent) : undefined;
	return { webSearchQueries: list(metadata.webSearchQueries), imageSearchQueries: list(metadata.imageSearchQueries), sources, searchEntryPoint: entry ?? null };
}

export function readGeminiAnswer(body: unknown, baseUrl: string): GatewayAnswer {
	const answer: GatewayAnswer = { images: [], texts: [] };
	if (!isObject(body)) {
		if (str(body)) answer.texts.push(body as string);
		return answer;
	}
	// Google sends no creation time: the answer's arrival is when the image was made.
	answer.created = Math.floor(Date.now() / 1000);
	if (isObject(body.usageMetadata)) answer.usage = body.usageMetadata as IDataObject;
	const candidates = Array.isArray(body.candidates) ? body.candidates : [];
	for (const candidate of candidates) {
		if (!isObject(candidate)) continue;
		const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
		const before = answer.images.length;
		if (!answer.modelTurn && isObject(candidate.content)) answer.modelTurn = candidate.content as IDataObject;
		const grounding = readGrounding(candidate.groundingMetadata ?? candidate.grounding_metadata);
		if (grounding && !answer.grounding) answer.grounding = grounding;
		for (const part of parts) {
			if (!isObject(part)) continue;
			const inline = isObject(part.inlineData) ? part.inlineData : isObject(part.inline_data) ? part.inline_data : undefined;
			// Gemini 3 models show their thinking as parts of their own (even draft images): never the answer.
			if (part.thought === true) {
				const draft = inline ? str(inline.data) : undefined;
				if (draft) (answer.thoughts ??= []).push({ b64: draft });
				continue;
			}
			const file = isObject(part.fileData) ? part.fileData : isObject(part.file_data) ? part.file_data : undefined;
			const data = inline ? str(inline.data) : undefined;
			const fromFile = file ? fileImage(file, baseUrl) : undefined;
			if (data) answer.images.push({ b64: data });
			else if (fromFile) answer.images.push(fromFile);
			else if (str(part.text)) addText(answer, part.text as string);
		}
		const reason = str(candidate.finishReason) ?? str(candidate.finish_reason);
		// The ending that explains a candidate without an image wins over a plain STOP elsewhere.
		const explains = endedEarly(reason) && answer.images.length === before;
		if (reason && (!answer.finish || explains)) answer.finish = { reason, message: str(candidate.finishMessage) };
	}
	const feedback = isObject(body.promptFeedback) ? body.promptFeedback : undefined;
	if (feedback && str(feedback.blockReason) && answer.images.length === 0) {
		answer.finish = { reason: feedback.blockReason as string, message: str(feedback.blockReasonMessage), prompt: true };
	}
	if (answer.images.length === 0) answer.embeddedError = errorFromObject(body);
	return answer;
}
