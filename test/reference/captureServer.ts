/**
 * One capture server for the node and the official clients alike: a real HTTP server on
 * 127.0.0.1 that records every request (method, path, query, headers, body, multipart parts as a
 * gateway's parser sees them) and answers each route with the smallest valid answer its documents
 * describe, so that both callers finish their call. It checks nothing: the comparison does.
 *
 *   POST /v1beta/{model}:generateContent       a Gemini answer with one inlineData PNG
 *   POST /upload/v1beta/files                  the Files API's resumable start (X-Goog-Upload-URL)
 *   POST /upload/v1beta/files?upload_id=...    a chunk ("upload") or the last one ("upload, finalize")
 *   GET  /v1beta/files/{id}                    the file, ACTIVE
 *   POST /v1beta/{model}:batchGenerateContent  a batch job's operation, PENDING
 *   GET  /v1beta/batches/{id}                  the job, RUNNING
 *   POST /v1beta/batches/{id}:cancel           {}
 *   POST /v1/images/generations | /v1/images/edits   an OpenAI Images answer (b64_json)
 *   POST /v1/chat/completions                  a chat completion with one image in message.images
 *   POST .../token                             an OAuth token (a form body is recorded as its fields,
 *                                              a JWT assertion decoded)
 * Any prefix before these paths (`/api` for OpenRouter) is kept in the record and ignored here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import busboy from 'busboy';

import { encodePng } from '../double/images';

export interface CapturedPart {
	name: string;
	/** A file part's filename and content type; a text field has neither. */
	filename?: string;
	contentType?: string;
	bytes: Buffer;
}

export interface CapturedRequest {
	method: string;
	path: string;
	/** The query's parameters, sorted: `alt=media&upload_id=1`. */
	query: string;
	headers: Record<string, string>;
	body: Buffer;
	json?: unknown;
	parts?: CapturedPart[];
}

export interface CaptureServer {
	url: string;
	requests: CapturedRequest[];
	/** The PNG every answer carries. */
	png: Buffer;
	reset(): void;
	close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

async function multipartParts(contentType: string, body: Buffer): Promise<CapturedPart[]> {
	return await new Promise((resolve, reject) => {
		const parts: CapturedPart[] = [];
		const parser = busboy({ headers: { 'content-type': contentType }, preservePath: true, limits: { fileSize: Infinity, fieldSize: Infinity } });
		parser.on('field', (name, value) => parts.push({ name, bytes: Buffer.from(value, 'utf8') }));
		parser.on('file', (name, stream, info) => {
			const index = parts.push({ name, filename: info.filename, contentType: info.mimeType, bytes: Buffer.alloc(0) }) - 1;
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => (parts[index].bytes = Buffer.concat(chunks)));
		});
		parser.on('close', () => resolve(parts));
		parser.on('error', reject);
		parser.end(body);
	});
}

function sortedQuery(search: URLSearchParams): string {
	return [...search.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
}

/** The thought signature every Gemini answer's image carries: both callers must send it back with the image. */
export const REFERENCE_SIGNATURE = 'cmVmZXJlbmNlLXNpZ25hdHVyZQ==';

/** The access token the token endpoint hands both callers. */
export const REFERENCE_TOKEN = 'ya29.reference-token';

/**
 * A form body as its fields; a JWT `assertion` decoded to its header and claims, the time claims
 * as what they mean (the lifetime, and that it was issued now): each caller's clock is its own.
 */
function formView(body: Buffer): Record<string, unknown> {
	const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
	const [h, c] = String(fields.assertion ?? '').split('.');
	if (h && c) {
		const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
		const { iat, exp, ...claims } = decode(c);
		const issuedNow = Math.abs(Number(iat) - Date.now() / 1000) < 60;
		fields.assertion = { header: decode(h), claims: { ...claims, lifetimeSeconds: Number(exp) - Number(iat), issuedNow } };
	}
	return fields;
}

export async function startCaptureServer(): Promise<CaptureServer> {
	const png = encodePng(64, 48, 7);
	const b64 = png.toString('base64');
	const requests: CapturedRequest[] = [];
	const uploads = new Map<string, { mimeType: string; received: number }>();
	let uploadCount = 0;
	let url = '';

	const answer = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	};

	const server = http.createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
			const contentType = headers['content-type'] ?? '';
			const record: CapturedRequest = { method: req.method ?? '', path: parsed.pathname, query: sortedQuery(parsed.searchParams), headers, body };
			if (/json/i.test(contentType) && body.length > 0) {
				try {
					record.json = JSON.parse(body.toString('utf8'));
				} catch {
					// Said to be JSON and is not (the client's upload chunks): compared as bytes.
				}
			}
			if (/multipart\/form-data/i.test(contentType)) record.parts = await multipartParts(contentType, body);
			if (/application\/x-www-form-urlencoded/i.test(contentType)) record.json = formView(body);
			requests.push(record);

			const path = parsed.pathname;
			const uploadId = parsed.searchParams.get('upload_id');
			if (req.method === 'POST' && path.endsWith('/token')) return answer(res, 200, { access_token: REFERENCE_TOKEN, expires_in: 3599, token_type: 'Bearer' });
			if (path.endsWith(':generateContent')) {
				return answer(res, 200, {
					candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: b64 }, thoughtSignature: REFERENCE_SIGNATURE }] }, finishReason: 'STOP', index: 0 }],
					usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1290, totalTokenCount: 1300 },
				});
			}
			if (path.endsWith('/upload/v1beta/files') && uploadId) {
				const upload = uploads.get(uploadId) ?? { mimeType: 'application/octet-stream', received: 0 };
				upload.received += body.length;
				const final = /finalize/.test(headers['x-goog-upload-command'] ?? '');
				if (!final) return answer(res, 200, {}, { 'x-goog-upload-status': 'active' });
				const name = `files/ref${uploadId}`;
				return answer(res, 200, { file: { name, uri: `${url}/v1beta/${name}`, mimeType: upload.mimeType, sizeBytes: String(upload.received), state: 'ACTIVE' } }, { 'x-goog-upload-status': 'final' });
			}
			if (path.endsWith('/upload/v1beta/files')) {
				const id = String(++uploadCount);
				uploads.set(id, { mimeType: headers['x-goog-upload-header-content-type'] ?? '', received: 0 });
				return answer(res, 200, {}, { 'x-goog-upload-url': `${url}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`, 'x-goog-upload-status': 'active' });
			}
			if (path.endsWith(':batchGenerateContent')) {
				const model = /\/v1beta\/(models\/[^:]+):/.exec(path)?.[1];
				return answer(res, 200, { name: 'batches/ref1', metadata: { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch', model, state: 'BATCH_STATE_PENDING', name: 'batches/ref1' } });
			}
			const job = /\/v1beta\/(batches\/[\w-]+)(:cancel)?$/.exec(path);
			if (job?.[2]) return answer(res, 200, {});
			if (job) return answer(res, 200, { name: job[1], metadata: { model: 'models/gemini-3-pro-image', state: 'BATCH_STATE_RUNNING', name: job[1], batchStats: { requestCount: '2', pendingRequestCount: '2' } }, done: false });
			const file = /\/v1beta\/(files\/[\w-]+)$/.exec(path);
			if (req.method === 'GET' && file) return answer(res, 200, { name: file[1], uri: `${url}/v1beta/${file[1]}`, mimeType: 'image/png', state: 'ACTIVE' });
			if (/\/v1\/images\/(generations|edits)$/.test(path)) {
				return answer(res, 200, { created: 1764800000, data: [{ b64_json: b64 }] });
			}
			if (path.endsWith('/v1/chat/completions')) {
				return answer(res, 200, {
					id: 'gen-ref',
					object: 'chat.completion',
					created: 1764800000,
					model: 'reference',
					choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '', images: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${b64}` } }] } }],
				});
			}
			return answer(res, 404, { error: { code: 404, message: `No route for ${req.method} ${path}` } });
		})().catch((error: unknown) => {
			res.writeHead(500);
			res.end(String(error));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		requests,
		png,
		reset: () => {
			requests.length = 0;
			uploads.clear();
			uploadCount = 0;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
