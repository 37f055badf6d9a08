/**
 * Reading a provider's model list: where it is, and which IDs in its answer are image models.
 * The picker, the "model not found" error and `npm run models:check` all read lists this way.
 */

/** Where a provider lists its models, and how to read the IDs out of the answer. */
export interface ModelList {
	path: string;
	/** `data[].id` (OpenAI style) or `models[].name` with `supportedGenerationMethods` (Google). */
	shape: 'openAi' | 'google';
	/** Keep only IDs that look like image models (lists that hold every model). */
	imageOnly: boolean;
}

/** IDs a model list reports that look like image models. */
const IMAGE_MODEL = /image|banana|imagen/i;

/** The model IDs in a provider's list answer: `data[].id`, or Google's `models[].name` that can generateContent. */
export function modelIds(answer: unknown, list: ModelList): string[] {
	const body = (answer ?? {}) as { data?: Array<{ id?: unknown }>; models?: Array<{ name?: unknown; supportedGenerationMethods?: unknown }> };
	const ids =
		list.shape === 'google'
			? (Array.isArray(body.models) ? body.models : [])
					.filter((m) => !Array.isArray(m?.supportedGenerationMethods) || m.supportedGenerationMethods.includes('generateContent'))
					.map((m) => (typeof m?.name === 'string' ? m.name.replace(/^models\//, '') : ''))
			: (Array.isArray(body.data) ? body.data : []).map((m) => (typeof m?.id === 'string' ? m.id : ''));
	return [...new Set(ids.filter((id) => id !== '' && (!list.imageOnly || IMAGE_MODEL.test(id))))];
}
