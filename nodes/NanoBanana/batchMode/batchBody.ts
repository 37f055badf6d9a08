/**
 * The job's requests, written the two ways Google takes them (MODELS.md, @google/genai's
 * batches.create): inline in the submit body, `{"batch": {"displayName", "inputConfig":
 * {"requests": {"requests": [{"request", "metadata": {"key"}}]}}}}`, while the whole body stays
 * under Google's ~20 MB; past that a JSONL file, one `{"key", "request"}` a line, uploaded through
 * the Files API as a stream that builds one line at a time, never the whole file.
 */
import { Readable } from 'node:stream';

import type { FilePart } from '../inputs/inputParts';
import { INLINE_REQUEST_LIMIT } from '../wireFormats/geminiGenerateContent';
import type { BatchRequest } from './batchRequests';

const inlineEntryHead = '{"request":';
const inlineEntryTail = (key: string) => `,"metadata":{"key":${JSON.stringify(key)}}}`;
const lineHead = (key: string) => `{"key":${JSON.stringify(key)},"request":`;
const LINE_TAIL = '}\n';

function inlineFrame(displayName: string): [string, string] {
	return [`{"batch":{"displayName":${JSON.stringify(displayName)},"inputConfig":{"requests":{"requests":[`, ']}}}}'];
}

/** The inline body's size, to choose between inline and a file before anything is built. */
export function inlineSize(displayName: string, requests: BatchRequest[]): number {
	const [head, tail] = inlineFrame(displayName);
	const entries = requests.reduce((sum, r) => sum + Buffer.byteLength(inlineEntryHead) + r.size + Buffer.byteLength(inlineEntryTail(r.key)), 0);
	return Buffer.byteLength(head) + entries + Math.max(0, requests.length - 1) + Buffer.byteLength(tail);
}

export const fitsInline = (displayName: string, requests: BatchRequest[]): boolean => inlineSize(displayName, requests) <= INLINE_REQUEST_LIMIT;

/** The submit body with every request inline. */
export async function inlineBody(displayName: string, requests: BatchRequest[]): Promise<Buffer> {
	const [head, tail] = inlineFrame(displayName);
	const pieces: Buffer[] = [Buffer.from(head)];
	for (const [i, request] of requests.entries()) {
		if (i > 0) pieces.push(Buffer.from(','));
		pieces.push(Buffer.from(inlineEntryHead), await request.build(), Buffer.from(inlineEntryTail(request.key)));
	}
	pieces.push(Buffer.from(tail));
	return Buffer.concat(pieces);
}

/** The submit body of a job whose requests are in an uploaded file. */
export const fileBody = (displayName: string, fileName: string) => ({ batch: { displayName, inputConfig: { fileName } } });

/** The JSONL file of the requests, as an upload: its size told up front, its lines built as the upload reads them. */
export function requestsFile(displayName: string, requests: BatchRequest[]): FilePart {
	const size = requests.reduce((sum, r) => sum + Buffer.byteLength(lineHead(r.key)) + r.size + LINE_TAIL.length, 0);
	async function* lines(): AsyncGenerator<Buffer> {
		for (const request of requests) {
			yield Buffer.from(lineHead(request.key));
			yield await request.build();
			yield Buffer.from(LINE_TAIL);
		}
	}
	return {
		property: 'the batch job\'s requests',
		filename: `${displayName.replace(/[^\w.-]+/g, '-')}.jsonl`,
		contentType: 'application/jsonl',
		size,
		open: async () => Readable.from(lines(), { objectMode: false }),
	};
}
