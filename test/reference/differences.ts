/**
 * The one table of deliberate differences between the node's requests and the official clients'
 * (docs/reference-clients.md shows it; a test holds the two together). Each entry says what
 * differs and why, and brings both request lists to one form for that difference only, after
 * checking that the node's side keeps its rule. Anything not listed here must be equal.
 */
import { createHash } from 'node:crypto';

import type { CapturedRequest } from './captureServer';

export type DifferenceId = 'uploadInOneRequest' | 'noKeyOnUploadAddress' | 'uploadBytesType' | 'tokenAudience' | 'noTypeWithoutBody' | 'conversationImagesAsFiles';

/** Google's fixed token endpoint, where its auth library signs and posts the grant. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const isTokenRequest = (r: CapturedRequest) => r.method === 'POST' && r.path.endsWith('/token');
type Assertion = { header: unknown; claims: Record<string, unknown> };
const withAudience = (r: CapturedRequest, aud: string): CapturedRequest => {
	const json = r.json as { assertion: Assertion };
	return { ...r, json: { ...json, assertion: { ...json.assertion, claims: { ...json.assertion.claims, aud } } } };
};

export interface Difference {
	route: string;
	client: string;
	node: string;
	why: string;
	apply(node: CapturedRequest[], client: CapturedRequest[]): { node: CapturedRequest[]; client: CapturedRequest[] };
}

const isUploadChunk = (r: CapturedRequest) => r.path.endsWith('/upload/v1beta/files') && /(^|&)upload_id=/.test(r.query);

/** The client's chunks of one upload as the single request the node sends: the bytes joined, from offset 0, finalized. */
function joinChunks(requests: CapturedRequest[]): CapturedRequest[] {
	const out: CapturedRequest[] = [];
	for (const request of requests) {
		const last = out[out.length - 1];
		if (isUploadChunk(request) && last && isUploadChunk(last) && last.query === request.query) {
			out[out.length - 1] = { ...request, body: Buffer.concat([last.body, request.body]), headers: { ...request.headers, 'x-goog-upload-offset': '0' } };
		} else out.push(request);
	}
	return out;
}

export const DIFFERENCES: Record<DifferenceId, Difference> = {
	uploadInOneRequest: {
		route: 'Google Gemini API, Files API upload',
		client: 'sends the bytes in chunks of 8 MiB ("upload", ..., then "upload, finalize", each with its X-Goog-Upload-Offset)',
		node: 'sends all the bytes in one "upload, finalize" request at offset 0',
		why: "Both are Google's resumable upload protocol. Inputs reach the Files API only above 20 MB, and one request is one retry unit for the node's retry loop.",
		apply(node, client) {
			for (const r of node.filter(isUploadChunk)) {
				if (r.headers['x-goog-upload-command'] !== 'upload, finalize' || r.headers['x-goog-upload-offset'] !== '0') throw new Error(`The node's upload is not one "upload, finalize" at offset 0: ${JSON.stringify(r.headers)}`);
			}
			return { node, client: joinChunks(client).map((r) => (isUploadChunk(r) ? { ...r, headers: { ...r.headers, 'x-goog-upload-command': 'upload, finalize' } } : r)) };
		},
	},
	uploadBytesType: {
		route: 'Google Gemini API, Files API upload',
		client: 'labels the upload\'s bytes Content-Type: application/json (its default header for every request)',
		node: "labels them with the image's own type, the one the start request announced in X-Goog-Upload-Header-Content-Type",
		why: 'Google takes the file\'s type from the start request; the bytes are an image, and a proxy that reads the header should see so.',
		apply(node, client) {
			const announced = node.find((r) => r.path.endsWith('/upload/v1beta/files') && !isUploadChunk(r))?.headers['x-goog-upload-header-content-type'];
			for (const r of node.filter(isUploadChunk)) if (r.headers['content-type'] !== announced) throw new Error(`The node's upload is labelled ${r.headers['content-type']}, not the announced ${announced}`);
			return { node, client: client.map((r) => (isUploadChunk(r) && announced ? { ...r, headers: { ...r.headers, 'content-type': announced } } : r)) };
		},
	},
	tokenAudience: {
		route: 'Google Vertex AI, service account token',
		client: `signs the JWT with aud ${GOOGLE_TOKEN_URL} and posts it there, whatever the key's token_uri says`,
		node: "signs it with aud the key's token_uri and posts it there",
		why: "Google's keys carry that same URL as token_uri. Reading it from the key lets the tests point a real key file at the double, and a private token endpoint work.",
		apply(node, client) {
			for (const r of node.filter(isTokenRequest)) {
				const aud = (r.json as { assertion?: Assertion } | undefined)?.assertion?.claims.aud;
				if (typeof aud !== 'string' || !aud.endsWith(r.path)) throw new Error(`The node's assertion has aud ${String(aud)}, not the address it was posted to (${r.path})`);
			}
			for (const r of client.filter(isTokenRequest)) {
				const aud = (r.json as { assertion?: Assertion } | undefined)?.assertion?.claims.aud;
				if (aud !== GOOGLE_TOKEN_URL) throw new Error(`The client's assertion has aud ${String(aud)}`);
			}
			return { node: node.map((r) => (isTokenRequest(r) ? withAudience(r, 'the token endpoint') : r)), client: client.map((r) => (isTokenRequest(r) ? withAudience(r, 'the token endpoint') : r)) };
		},
	},
	conversationImagesAsFiles: {
		route: 'Google Gemini API, edits in rounds',
		client: "keeps the conversation in memory (chats) and sends every turn's images again inline, as base64, in each later round",
		node: "uploads each turn's images to the Files API once and names them by link (fileData) in later rounds, each part keeping its thought signature",
		why: 'The conversation lives in the item\'s json, which must carry no base64 (an AI agent sees only json), and later rounds send links instead of every image again. Google keeps the files 48 hours.',
		apply(node, client) {
			// The node's uploads: each file's link, as the capture server names it, to its bytes.
			const uploaded = new Map<string, Buffer>();
			for (const r of node.filter(isUploadChunk)) {
				const id = new URLSearchParams(r.query).get('upload_id');
				uploaded.set(`/v1beta/files/ref${id}`, r.body);
			}
			const digestOf = (bytes: Buffer) => `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
			const asImage = (part: Record<string, unknown>): Record<string, unknown> => {
				const inline = part.inlineData as { data: string } | undefined;
				const file = part.fileData as { fileUri: string } | undefined;
				if (!inline && !file) return part;
				const { inlineData: _i, fileData: _f, ...rest } = part;
				const bytes = inline ? Buffer.from(inline.data, 'base64') : uploaded.get(new URL(file?.fileUri ?? '', 'http://x').pathname);
				if (!bytes) throw new Error(`The node names a file it did not upload: ${file?.fileUri}`);
				return { image: digestOf(bytes), ...rest };
			};
			const normal = (r: CapturedRequest): CapturedRequest => {
				const json = r.json as { contents?: Array<{ role: string; parts: Array<Record<string, unknown>> }> } | undefined;
				if (!r.path.endsWith(':generateContent') || !json?.contents) return r;
				return { ...r, json: { ...json, contents: json.contents.map((c) => ({ ...c, parts: c.parts.map(asImage) })) } };
			};
			for (const r of node.filter((x) => x.path.endsWith(':generateContent'))) {
				const turns = (r.json as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> }).contents.slice(0, -1);
				if (turns.some((t) => t.parts.some((p) => p.inlineData !== undefined))) throw new Error('The node sent an earlier turn\'s image inline');
			}
			// The node's uploads are its own (the client has none): left out, with their starts.
			const isUpload = (r: CapturedRequest) => r.path.endsWith('/upload/v1beta/files');
			return { node: node.filter((r) => !isUpload(r)).map(normal), client: client.map(normal) };
		},
	},
	noTypeWithoutBody: {
		route: 'Google Gemini API, batch jobs (Get Batch, Cancel Batch)',
		client: 'labels a GET that has no body Content-Type: application/json (its default header for every request)',
		node: 'sends no Content-Type where there is no body',
		why: 'A content type describes a body; a GET has none, and Google reads none.',
		apply(node, client) {
			const bodiless = (r: CapturedRequest) => r.method === 'GET' && r.body.length === 0;
			for (const r of node.filter(bodiless)) if (r.headers['content-type'] !== undefined) throw new Error(`The node labelled a GET without a body ${r.headers['content-type']}`);
			return { node, client: client.map((r) => (bodiless(r) ? { ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'content-type')) } : r)) };
		},
	},
	noKeyOnUploadAddress: {
		route: 'Google Gemini API, Files API upload',
		client: 'sends x-goog-api-key to the upload address too',
		node: 'sends the bytes to the upload address without the key',
		why: 'The address Google returns carries its own upload id. The key never goes to an address that an answer named (the project rule: the key never travels to another host).',
		apply(node, client) {
			for (const r of node.filter(isUploadChunk)) if (r.headers['x-goog-api-key'] !== undefined) throw new Error('The node sent the key to the upload address');
			return { node, client: client.map((r) => (isUploadChunk(r) ? { ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'x-goog-api-key')) } : r)) };
		},
	},
};

/** The table as docs/reference-clients.md shows it (a test holds the two together). */
export function differencesTable(): string {
	const cell = (text: string) => text.replace(/\|/g, '\\|');
	const rows = Object.entries(DIFFERENCES).map(([id, d]) => `| \`${id}\` | ${cell(d.route)} | ${cell(d.client)} | ${cell(d.node)} | ${cell(d.why)} |`);
	return ['| Difference | Route | The official client | The node | Why |', '|---|---|---|---|---|', ...rows].join('\n');
}
