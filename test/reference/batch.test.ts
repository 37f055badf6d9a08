/**
 * Batch mode held to @google/genai's batches module: Submit Batch's inline job equals
 * `ai.batches.create` with inlined requests, its file job equals `ai.files.upload` of the same JSONL
 * then `ai.batches.create` from that file (the bytes of the file included), Get Batch equals
 * `ai.batches.get`, and Cancel Batch `get`, `cancel`, `get`. The provider double's batch route
 * answers these same shapes, so the node and the double cannot drift together from Google's API.
 */
import { bigPng } from '../concurrency/bigImage';
import type { InputItem } from '../helpers/n8n';
import { genai } from './genai';
import type { ReferenceCase } from './referenceKit';
import { API_KEY, HEADERS_THAT_MATTER, describeReference } from './referenceKit';

const client = (url: string) => new genai.GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: url, fetch: async (input, init) => await fetch(input, init) } });
const MODEL = 'gemini-3-pro-image';
const NAME = 'Spring catalogue';
const prompts = ['A yellow mug on marble', 'A blue mug on oak'];
const promptItems: InputItem[] = prompts.map((p) => ({ json: { p } }));

/** 22 edits of a 1 MB image each: past the inline limit, so the node writes a JSONL file. */
const bigImages = Array.from({ length: 22 }, (_, i) => bigPng(1024 * 1024, 40 + i));
const editItems: InputItem[] = bigImages.map((data, i) => ({ json: { p: `edit ${i}` }, binary: { data: { data, mimeType: 'image/png', fileName: `p${i}.png` } } }));
/** The file Google's batch guide describes: one {"key", "request"} a line. */
const jsonl = bigImages
	.map((data, i) => JSON.stringify({ key: String(i), request: { contents: [{ role: 'user', parts: [{ text: `edit ${i}` }, { inlineData: { mimeType: 'image/png', data: data.toString('base64') } }] }], generationConfig: { responseModalities: ['IMAGE'] } } }))
	.join('\n')
	.concat('\n');

const CASES: ReferenceCase[] = [
	{
		name: 'Submit Batch, inline: one batchGenerateContent with the inlined requests and their keys',
		node: { provider: 'google', parameters: { operation: 'submitBatch', model: MODEL, prompt: '={{ $json.p }}', aspectRatio: '4:5', options: { batchDisplayName: NAME } }, items: promptItems },
		client: async (url) =>
			await client(url).batches.create({
				model: MODEL,
				src: prompts.map((p, i) => ({ contents: [{ role: 'user', parts: [{ text: p }] }], config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } }, metadata: { key: String(i) } })),
				config: { displayName: NAME },
			}),
		headers: HEADERS_THAT_MATTER.google,
	},
	{
		name: 'Submit Batch past the inline limit: the JSONL file through the Files API, then a job from that file',
		node: { provider: 'google', parameters: { operation: 'submitBatch', batchOf: 'edit', model: MODEL, prompt: '={{ $json.p }}', options: { batchDisplayName: NAME } }, items: editItems },
		client: async (url) => {
			const ai = client(url);
			const file = await ai.files.upload({ file: new Blob([jsonl], { type: 'application/jsonl' }), config: { mimeType: 'application/jsonl', displayName: 'Spring-catalogue.jsonl' } });
			await ai.batches.create({ model: MODEL, src: { fileName: file.name }, config: { displayName: NAME } });
		},
		headers: HEADERS_THAT_MATTER.google,
		differences: ['uploadInOneRequest', 'noKeyOnUploadAddress', 'uploadBytesType'],
	},
	{
		name: 'Get Batch of a running job: batches.get',
		node: { provider: 'google', parameters: { operation: 'getBatch', batchName: 'batches/ref1' } },
		client: async (url) => await client(url).batches.get({ name: 'batches/ref1' }),
		headers: HEADERS_THAT_MATTER.google,
		differences: ['noTypeWithoutBody'],
	},
	{
		name: 'Cancel Batch of a running job: get, cancel, get',
		node: { provider: 'google', parameters: { operation: 'cancelBatch', batchName: 'batches/ref1' } },
		client: async (url) => {
			const ai = client(url);
			await ai.batches.get({ name: 'batches/ref1' });
			await ai.batches.cancel({ name: 'batches/ref1' });
			await ai.batches.get({ name: 'batches/ref1' });
		},
		headers: HEADERS_THAT_MATTER.google,
		differences: ['noTypeWithoutBody'],
	},
];

describeReference('Google Gemini API batch mode: the node sends what @google/genai sends', CASES);
