/**
 * The image settings the Gemini models take, shared by the routes that pass them through as
 * Google names them: Google's own API (`imageConfig.aspectRatio` / `imageSize`) and chat
 * completions (`image_config.aspect_ratio` / `image_size`). What a route cannot honour becomes a
 * warning; values a known model lacks never get here (imageCall.ts refuses them first).
 */
import type { Resolution } from '../models/imageSizes';
import { sizeToSend } from '../models/modelLimits';
import type { Warning } from '../warnings';
import { unsupported } from '../warnings';
import type { CallPlan } from './wireFormat';

export interface GeminiImageConfig {
	aspectRatio?: string;
	imageSize?: string;
	warnings: Warning[];
}

export function geminiImageConfig(
	{ scope, provider, inputs, aspectRatio }: CallPlan,
	sizeNames: Partial<Record<Resolution, string>> = {},
	takes: { mediaResolution: boolean },
): GeminiImageConfig {
	const { s } = scope;
	const out: GeminiImageConfig = { warnings: [] };
	if (aspectRatio) out.aspectRatio = aspectRatio;
	const size = sizeToSend(s.facts, s.model, s.resolution);
	if (size.size) out.imageSize = sizeNames[size.size] ?? size.size;
	if (size.warning) out.warnings.push(unsupported('resolution', size.warning));
	if (s.responseFormat) {
		out.warnings.push(unsupported('responseFormat', `Response format "${s.responseFormat}" was not sent: ${provider.displayName} always sends the image inside the answer.`));
	}
	if (s.mediaResolution && !takes.mediaResolution) {
		out.warnings.push(unsupported('mediaResolution', `Input media resolution was not sent: ${provider.displayName} has no such setting on this route.`));
	}
	if (inputs.mask) {
		out.warnings.push(unsupported('mask', `The mask was not sent: ${provider.displayName} takes no mask for Gemini models. Describe in the prompt what to change.`));
	}
	return out;
}

/** Extra request fields merged into a JSON body: objects merge key by key, the rest replaces. */
export function mergeFields(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(extra)) {
		const current = out[key];
		const bothObjects = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
		out[key] = bothObjects ? mergeFields(current as Record<string, unknown>, value as Record<string, unknown>) : value;
	}
	return out;
}
