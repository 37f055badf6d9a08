/**
 * The Gemini Files API, for inputs too large to go inline: a resumable upload (a start request
 * with the key, then the bytes to the upload URL Google returns, which needs no key and gets
 * none), then a wait until the file is ACTIVE. The answer's `uri` becomes a `fileData` part.
 * Files expire after 48 hours on Google's side.
 */
import type { Readable } from 'node:stream';

import type { FilePart } from '../inputs/inputParts';
import { gatewayError } from '../errors';
import type { ProviderResponse } from '../transport/httpAttempt';
import type { CallPlan } from './wireFormat';

interface GeminiFile {
	name?: string;
	uri?: string;
	mimeType?: string;
	state?: string;
	/** When Google deletes it (48 hours after the upload). */
	expirationTime?: string;
}

/** How long Google keeps an uploaded file, where its answer does not say. */
const FILE_LIFETIME_MS = 48 * 3600 * 1000;

function fileOf(response: ProviderResponse): GeminiFile | undefined {
	try {
		const parsed = JSON.parse(response.body.toString('utf8')) as { file?: GeminiFile } & GeminiFile;
		return parsed.file ?? (parsed.uri ? parsed : undefined);
	} catch {
		return undefined;
	}
}

const header = (response: ProviderResponse, name: string): string | undefined => {
	const value = response.headers[name] ?? response.headers[name.toLowerCase()];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
};

/** How long to wait for an uploaded file to leave PROCESSING: images are usually ACTIVE at once. */
const POLL_MS = 1000;
const POLLS = 60;

/** The resumable upload's start: the key goes here, with the file's metadata; the answer names the upload address. */
async function startUpload({ scope, provider, baseUrl, steps }: Pick<CallPlan, 'scope' | 'provider' | 'baseUrl' | 'steps'>, part: FilePart): Promise<string> {
	const start = await steps.request(async () => ({
		method: 'POST',
		url: `${baseUrl}/upload/v1beta/files`,
		headers: {
			'X-Goog-Upload-Protocol': 'resumable',
			'X-Goog-Upload-Command': 'start',
			'X-Goog-Upload-Header-Content-Length': String(part.size),
			'X-Goog-Upload-Header-Content-Type': part.contentType,
		},
		// The file's metadata as Google's own client sends it (camelCase; the size as a string, int64 in JSON).
		body: { file: { displayName: part.filename, mimeType: part.contentType, sizeBytes: String(part.size) } },
		authenticated: true,
	}));
	const uploadUrl = header(start, 'x-goog-upload-url');
	if (!uploadUrl || !/^https?:\/\//i.test(uploadUrl)) {
		throw gatewayError(scope, start.status, `${provider.displayName} did not return an upload address for "${part.property}"`, 'The Files API answered without an X-Goog-Upload-URL header. Check the base URL in the credential.');
	}
	return uploadUrl;
}

/** The bytes, in one "upload, finalize" request; the upload address carries its own upload id: the key stays with the API. */
async function sendBytes({ steps }: Pick<CallPlan, 'steps'>, part: FilePart, uploadUrl: string): Promise<ProviderResponse> {
	return await steps.request(async () => ({
		method: 'POST',
		url: uploadUrl,
		headers: { 'X-Goog-Upload-Command': 'upload, finalize', 'X-Goog-Upload-Offset': '0', 'Content-Type': part.contentType, 'Content-Length': String(part.size) },
		// Streamed from n8n's binary store (or the buffer it holds), opened afresh for each attempt.
		body: await asBody(part),
		authenticated: false,
	}));
}

/** An input image too large to send inline, uploaded: the `fileData` part that names it. */
export async function uploadToFilesApi(plan: CallPlan, part: FilePart): Promise<{ mimeType: string; fileUri: string }> {
	const file = await uploadFile(plan, part);
	return { mimeType: file.mimeType, fileUri: file.uri };
}

/** Any file (an input image, a batch job's requests), uploaded and ACTIVE: its name (`files/...`), URI and type. */
export async function uploadFile(plan: Pick<CallPlan, 'scope' | 'provider' | 'baseUrl' | 'steps'>, part: FilePart): Promise<{ name: string; uri: string; mimeType: string; expires: string }> {
	const { scope, provider, baseUrl, steps } = plan;
	const done = await sendBytes(plan, part, await startUpload(plan, part));
	let file = fileOf(done);
	for (let n = 0; file?.state === 'PROCESSING' && file.name && n < POLLS; n++) {
		await steps.wait(POLL_MS);
		const fileName = file.name;
		file = fileOf(await steps.request(async () => ({ method: 'GET', url: `${baseUrl}/v1beta/${fileName}`, headers: {}, authenticated: true })));
	}
	if (!file?.uri || (file.state !== undefined && file.state !== 'ACTIVE')) {
		throw gatewayError(
			scope,
			done.status,
			`${provider.displayName} did not accept the upload of "${part.property}"${file?.state ? ` (state ${file.state})` : ''}`,
			'The file was too large to send inline and the Files API upload failed. Run again; for an image, send a smaller one.',
		);
	}
	const expires = file.expirationTime && !Number.isNaN(Date.parse(file.expirationTime)) ? new Date(file.expirationTime).toISOString() : new Date(Date.now() + FILE_LIFETIME_MS).toISOString();
	return { name: file.name ?? file.uri.replace(/^.*\/(files\/[^/]+)$/, '$1'), uri: file.uri, mimeType: file.mimeType ?? part.contentType, expires };
}

/** The upload body: the input's bytes as n8n holds them, a stream where it keeps them on disk. */
async function asBody(part: FilePart): Promise<Buffer | Readable> {
	return await part.open();
}
