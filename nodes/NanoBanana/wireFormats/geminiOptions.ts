/**
 * Google's generateContent options beyond the image's shape, as @google/genai sends them: the
 * thinking level (`generationConfig.thinkingConfig.thinkingLevel`, the SDK's upper-case enum) and
 * thoughts (`includeThoughts`), grounding in Google Search (`tools: [{googleSearch: {}}]`, with
 * text asked for too), and the opt-out of request storage (the top-level `store: false`). A level
 * the catalogue says the model does not take is not sent, with a warning.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Warning } from '../warnings';
import { unsupported } from '../warnings';
import type { CallPlan } from './wireFormat';

export interface GeminiRequestOptions {
	/** Fields of `generationConfig`. */
	generationConfig: IDataObject;
	/** Fields of the request itself. */
	request: IDataObject;
	/** Whether the answer must be allowed words (grounding writes its sources' summary). */
	needsText: boolean;
	warnings: Warning[];
}

export function geminiRequestOptions({ scope, provider }: CallPlan): GeminiRequestOptions {
	const { s } = scope;
	const out: GeminiRequestOptions = { generationConfig: {}, request: {}, needsText: false, warnings: [] };
	const thinking: IDataObject = {};
	const levels = s.facts.record?.thinkingLevels;
	if (s.thinkingLevel && levels && !levels.includes(s.thinkingLevel)) {
		out.warnings.push(unsupported('thinkingLevel', `Thinking Level ${s.thinkingLevel} was not sent: ${s.facts.record?.name ?? s.model} takes ${levels.length > 0 ? `only ${levels.join(', ')}` : 'no thinking level'}.`));
	} else if (s.thinkingLevel) thinking.thinkingLevel = s.thinkingLevel.toUpperCase();
	if (s.includeThoughts) thinking.includeThoughts = true;
	if (Object.keys(thinking).length > 0) out.generationConfig.thinkingConfig = thinking;
	if (s.googleSearch) {
		out.request.tools = [{ googleSearch: {} }];
		out.needsText = true;
	}
	if (s.doNotStore && provider.gemini?.storeOptOut) out.request.store = false;
	return out;
}
