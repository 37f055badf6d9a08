/**
 * Reading a request body the way a gateway does: the bytes, and multipart parts (text fields and
 * files, in order, with names, filenames and types) parsed by busboy.
 */
import type * as http from 'node:http';

import busboy from 'busboy';

import type { RecordedFile, RecordedRequest } from './doubleTypes';
import { readImageSize } from './images';

export interface ParsedBody {
	kind: 'json' | 'multipart' | 'none' | 'other';
	error?: string;
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
		req.on('aborted', () => reject(new Error('request aborted')));
	});
}

export async function parseMultipart(
	headers: http.IncomingHttpHeaders,
	raw: Buffer,
	record: RecordedRequest,
): Promise<void> {
	const fields: Record<string, string[]> = {};
	const files: RecordedFile[] = [];
	record.fields = fields;
	record.files = files;
	await new Promise<void>((resolve, reject) => {
		let bb: busboy.Busboy;
		try {
			bb = busboy({
				headers,
				defParamCharset: 'utf8',
				limits: { fieldSize: 16 * 1024 * 1024 },
			});
		} catch (e) {
			reject(e instanceof Error ? e : new Error(String(e)));
			return;
		}
		const pending: Array<Promise<void>> = [];
		bb.on('field', (name, value) => {
			(fields[name] ??= []).push(value);
		});
		bb.on('file', (name, stream, info) => {
			const file: RecordedFile = {
				field: name,
				filename: info.filename,
				contentType: info.mimeType,
				bytes: Buffer.alloc(0),
			};
			files.push(file);
			pending.push(
				new Promise<void>((done, fail) => {
					const chunks: Buffer[] = [];
					stream.on('data', (c: Buffer) => chunks.push(c));
					stream.on('error', fail);
					stream.on('end', () => {
						file.bytes = Buffer.concat(chunks);
						const size = readImageSize(file.bytes);
						if (size) {
							file.width = size.width;
							file.height = size.height;
						}
						done();
					});
				}),
			);
		});
		bb.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
		bb.on('close', () => {
			Promise.all(pending).then(() => resolve(), reject);
		});
		bb.end(raw);
	});
}

/** Normalised request parameters, read from the JSON body or the multipart text fields. */
