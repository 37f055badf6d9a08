/**
 * The Gemini Files API, for inputs too large to go inline: a resumable upload (a start request
 * with the key, then the bytes to the upload URL Google returns, which needs no key and gets
 * none), then a wait until the file is ACTIVE. The answer's `uri` becomes a `fileData` part.
 * Files expire after 48 hours on Google's side.
 */
import type { FilePart } from '../inputs/inputParts';
import { gatewayError } from '../errors';
import type { ProviderResponse } from '../transport/httpAttempt';
import type { CallPlan } from './wireFormat';

interface GeminiFile {
	name?: string;
	uri?: string;
	mimeType?: string;
	state?: string;
}

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
async function startUpload({ scope, provider, baseUrl, steps }: CallPlan, part: FilePart): Promise<string> {
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
async function sendBytes({ steps }: CallPlan, part: FilePart, uploadUrl: string): Promise<ProviderResponse> {
	return await steps.request(async () => ({
		method: 'POST',
		url: uploadUrl,
		headers: { 'X-Goog-Upload-Command': 'upload, finalize', 'X-Goog-Upload-Offset': '0', 'Content-Type': part.contentType, 'Content-Length': String(part.size) },
		body: await readWhole(part),
		authenticated: false,
	}));
}

export async function uploadToFilesApi(plan: CallPlan, part: FilePart): Promise<{ mimeType: string; fileUri: string }> {
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
			'The image was too large to send inline and the Files API upload failed. Send a smaller image, or run again.',
		);
	}
	return { mimeType: file.mimeType ?? part.contentType, fileUri: file.uri };
}

/** The upload body: the input's bytes (held once; a stream could not be sent a second time). */
async function readWhole(part: FilePart): Promise<Buffer> {
	const source = await part.open();
	if (Buffer.isBuffer(source)) return source;
	const chunks: Buffer[] = [];
	for await (const chunk of source) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
}
