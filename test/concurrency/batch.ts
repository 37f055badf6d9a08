/**
 * What the concurrency tests send: one small Generate per item on an OpenAI-style gateway, each
 * item's prompt from `$json.p` (p0, p1, ... or a tag of the test's own), so that the double's
 * requests tell which item they came from.
 */
import type { IDataObject } from 'n8n-workflow';

import type { InputItem } from '../helpers/n8n';

export const promptItems = (count: number, tag = 'p'): InputItem[] => Array.from({ length: count }, (_, i) => ({ json: { p: `${tag}${i}` } }));

export const smallGenerate = (options: IDataObject = {}) => ({
	provider: 'openAiCompatible',
	operation: 'generate',
	model: 'nano-banana',
	prompt: '={{ $json.p }}',
	options: { extraFields: '{"size":"64x64"}', ...options },
});
