/**
 * One item's work: build the gateway request from the item's settings and the provider's
 * description, send it, and turn every image in the answer into an n8n binary item.
 */
import type { Readable } from 'node:stream';

import FormData from 'form-data';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GatewayAnswer, ImageEntry } from './gatewayAnswer';
import { providerMessage, readAnswer, tidyText } from './gatewayAnswer';
import { INPUT_MIME_TYPES, describeNonImage, readImageInfo } from './imageInfo';
import type { Dialect } from './providers';
import { dialectFor, normalizeBaseUrl } from './providers';
import { abortableWait } from './hostCompat';
import type { RequestGate } from './requestGate';
import {
	RETRYABLE_STATUS,
	backoffDelay,
	englishSummary,
	isCutOff,
	isRetryableNetworkError,
	isTimeout,
	looksBusy,
	networkCode,
	parseRetryAfter,
} from './retryPolicy';
import type { ItemSettings } from './settings';
import { itemError } from './settings';

/**
 * One image part of an edit. Images n8n keeps on disk are streamed from there on every
 * attempt (form-data is told their size), so a batch of large inputs is not held in memory.
 */
interface FilePart {
	field: string;
	filename: string;
	contentType: string;
	size: number;
	open: () => Promise<Buffer | Readable>;
}

/** A request, ready to send as many times as it takes (one per image on gateways without `n`). */
interface PreparedCall {
	url: string;
	fields: IDataObject;
	files: FilePart[];
	headers: Record<string, string>;
	/** How many requests to send to get the images asked for. */
	requests: number;
	warnings: string[];
}

/** Bodies asked for with `encoding: 'arraybuffer'` arrive as a Buffer; be tolerant of the rest. */
function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

const fileStem = (name: string | undefined, fallback: string) =>
	(name ?? fallback).replace(/\.[A-Za-z0-9]{1,5}$/, '') || fallback;

/** The first bytes of a stream, enough to tell the image format; the stream is closed after. */
async function readHead(stream: Readable, bytes = 64): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
			chunks.push(buffer);
			length += buffer.length;
			if (length >= bytes) break;
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(chunks, length);
}

async function readInputImage(
	ctx: IExecuteFunctions,
	s: ItemSettings,
	property: string,
	field: 'Input Image Properties' | 'Mask Property',
	partField: string,
): Promise<FilePart> {
	const item = ctx.getInputData()[s.itemIndex];
	const binary = item.binary?.[property];
	if (!binary) {
		const present = Object.keys(item.binary ?? {});
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}" names the binary property "${property}", but the item has none by that name`,
			present.length > 0
				? `The item's binary properties are: ${present.join(', ')}.`
				: 'The item has no binary data at all. Put the image into the item first, for example with a Read Files or HTTP Request node.',
		);
	}
	let head: Buffer;
	let size: number;
	let open: FilePart['open'];
	const id = binary.id;
	if (id) {
		// Stored by n8n outside the item (filesystem mode): stream it, never load it whole.
		size = (await ctx.helpers.getBinaryMetadata(id)).fileSize;
		head = await readHead(await ctx.helpers.getBinaryStream(id, 64 * 1024));
		open = async () => await ctx.helpers.getBinaryStream(id);
	} else {
		const bytes = await ctx.helpers.getBinaryDataBuffer(s.itemIndex, property);
		head = bytes;
		size = bytes.length;
		open = async () => bytes;
	}
	const info = readImageInfo(head);
	if (!info || !INPUT_MIME_TYPES.includes(info.mimeType)) {
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}": the binary property "${property}" is not a PNG, JPEG or WebP image`,
			info
				? `It is ${info.mimeType}, which the Gemini image models do not take.`
				: `Its bytes are not an image: ${describeNonImage(head)} (declared type: ${binary.mimeType}).`,
		);
	}
	const fallback = field === 'Mask Property' ? 'mask' : property;
	return {
		field: partField,
		filename: `${fileStem(binary.fileName, fallback)}.${info.extension}`,
		contentType: info.mimeType,
		size,
		open,
	};
}

async function prepareCall(ctx: IExecuteFunctions, s: ItemSettings, dialect: Dialect, baseUrl: string): Promise<PreparedCall> {
	const size = dialect.mapSize({ model: s.model, family: s.family, aspectRatio: s.aspectRatio, resolution: s.resolution });
	const warnings = [...size.warnings];
	const fields: IDataObject = { model: s.model, prompt: s.prompt, ...size.fields };

	let requests = 1;
	if (s.numberOfImages > 1) {
		if (dialect.countField) fields[dialect.countField] = s.numberOfImages;
		else requests = s.numberOfImages;
	}
	if (s.responseFormat) {
		if (dialect.responseFormatField) fields[dialect.responseFormatField] = s.responseFormat;
		else
			warnings.push(
				`Response format "${s.responseFormat}" was not sent: ${s.provider.displayName} (${dialect.displayName}) has no such setting and picks the format itself.`,
			);
	}
	if (s.mediaResolution) {
		if (dialect.mediaResolutionField) fields[dialect.mediaResolutionField] = s.mediaResolution;
		else warnings.push(`Input media resolution was not sent: ${dialect.displayName} gateways have no such setting.`);
	}

	const files: FilePart[] = [];
	if (s.operation === 'edit') {
		const max = dialect.maxImages[s.family];
		if (s.imageProperties.length === 0) {
			throw itemError(ctx, s.itemIndex, '"Input Image Properties" is empty', 'Name at least one binary property that holds an image, for example data.');
		}
		if (s.imageProperties.length > max) {
			throw itemError(
				ctx,
				s.itemIndex,
				`"Input Image Properties" names ${s.imageProperties.length} images, but ${s.provider.displayName} takes at most ${max} for ${s.family} models like "${s.model}"`,
				'Send fewer images, or pick a model that takes more.',
			);
		}
		const field = dialect.imageField(s.imageProperties.length);
		for (const property of s.imageProperties) {
			files.push(await readInputImage(ctx, s, property, 'Input Image Properties', field));
		}
		if (s.maskProperty) {
			if (dialect.maskField) {
				files.push(await readInputImage(ctx, s, s.maskProperty, 'Mask Property', dialect.maskField));
			} else {
				warnings.push(`The mask was not sent: ${s.provider.displayName} (${dialect.displayName}) takes no mask.`);
			}
		}
	}

	return {
		url: `${baseUrl}/v1/images/${s.operation === 'edit' ? 'edits' : 'generations'}`,
		fields: { ...fields, ...s.extraFields },
		files,
		headers: { ...dialect.headers },
		requests,
		warnings,
	};
}

/** A fresh multipart body for each attempt: streams cannot be sent twice. */
async function formBody(call: PreparedCall): Promise<FormData> {
	const form = new FormData();
	for (const [name, value] of Object.entries(call.fields)) {
		if (value === undefined || value === null) continue;
		form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	for (const file of call.files) {
		form.append(file.field, await file.open(), {
			filename: file.filename,
			contentType: file.contentType,
			knownLength: file.size,
		});
	}
	return form;
}

/** What one item's calls share: the n8n context, the item's settings, the batch's gate. */
export interface CallScope {
	ctx: IExecuteFunctions;
	s: ItemSettings;
	gate: RequestGate;
	/** The credential's API key, to scrub from anything a gateway echoes back. */
	secret?: string;
}

/** Gateways sometimes quote the key they were sent ("invalid token sk-..."): never pass it on. */
function redact(text: string | undefined, secret: string | undefined): string | undefined {
	if (text === undefined || !secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

function gatewayError(
	{ ctx, s, secret }: CallScope,
	status: number | undefined,
	rawMessage: string,
	rawDescription?: string,
): NodeApiError {
	const message = redact(rawMessage, secret) as string;
	const description = redact(rawDescription, secret);
	const httpCode = status === undefined ? undefined : String(status);
	const error = new NodeApiError(ctx.getNode(), { message, httpCode: httpCode ?? null } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex: s.itemIndex,
	});
	// NodeApiError swaps a message that names a network code ("... (ECONNREFUSED)") for n8n's
	// generic words, which lose the gateway, the host and what was being done: keep ours.
	error.message = message;
	return error;
}

/** What a failed attempt says about trying again. */
interface RetryFacts {
	retryable: boolean;
	/** The gateway's Retry-After, when it sent one. */
	retryAfterMs?: number;
	status?: number;
}

/** Kept beside the NodeApiError an attempt ends with; an error without an entry is never retried. */
const retryFacts = new WeakMap<NodeApiError, RetryFacts>();

/** The error a failed attempt ends with, and whether (and when) another attempt may help. */
function failedAttempt(error: NodeApiError, retryable: boolean, retryAfterMs?: number, status?: number): NodeApiError {
	retryFacts.set(error, { retryable, retryAfterMs, status });
	return error;
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The gateway did not accept the API key. Check the key (and the base URL) in the credential.',
	403: 'The key is not allowed to use this model or endpoint. Check the model ID and your plan with the gateway.',
	404: 'The gateway has no such endpoint or model. Check the base URL (without /v1) and the model ID.',
	413: 'The request is too large for the gateway. Send fewer or smaller images.',
	429: 'The gateway is rate limiting, or its upstream is saturated. Wait and run again, or lower "Concurrency" in the options.',
};

function statusHint(status: number | undefined): string | undefined {
	if (status === undefined) return undefined;
	return STATUS_HINTS[status] ?? (status >= 500 ? 'The gateway or its upstream failed. This is usually temporary: run again later.' : undefined);
}

/** The gateway's message, with an English summary when it is in Chinese. */
function withSummary(message: string): string {
	const summary = englishSummary(message);
	return summary ? `${message} (in English: ${summary})` : message;
}

function joinHints(...parts: Array<string | undefined>): string | undefined {
	const text = parts.filter((p) => p).join(' ');
	return text === '' ? undefined : text;
}

function afterRetries(attempts: number): string | undefined {
	return attempts > 1 ? `Tried ${attempts} times.` : undefined;
}

/** Errors that never reached a whole HTTP answer: refused, reset, cut off, timed out. */
function networkFailure(scope: CallScope, error: unknown, url: string): NodeApiError {
	const { s } = scope;
	const name = s.provider.displayName;
	const code = networkCode(error);
	const host = new URL(url).host;
	let message: string;
	let description: string;
	if (isTimeout(error)) {
		message = `${name} did not answer within ${Math.round(s.timeoutMs / 1000)} s`;
		description = 'Large images can take minutes. Raise "Timeout (Seconds)" in the options, or use a lower resolution.';
	} else if (isCutOff(error)) {
		message = `${name} broke off its answer before it was complete`;
		description = 'The connection to the gateway closed in the middle of the answer. This is usually temporary: run again.';
	} else if (code === 'ECONNRESET') {
		message = `${name} at ${host} closed the connection without answering (ECONNRESET)`;
		description = 'The gateway or a proxy in front of it dropped the request. This is usually temporary: run again.';
	} else {
		message = `Could not reach ${name} at ${host}${code ? ` (${code})` : ''}`;
		description = 'Check the base URL in the credential and that the gateway is up.';
	}
	// A fresh error on purpose: the original carries the request's headers, and with them the API key.
	return failedAttempt(gatewayError(scope, undefined, message, description), isRetryableNetworkError(error));
}

/**
 * The one retry loop, for gateway calls and image downloads alike: an attempt that failed with a
 * retryable error is sent again after the gateway's Retry-After or a backoff with jitter, up to
 * Max Retries; `onWait` sees each wait before it starts (a 429 pauses the whole batch there). Once
 * the execution is stopped no new attempt starts, and a wait ends at once, with n8n's own
 * cancellation error.
 */
async function withRetries<T>(
	scope: CallScope,
	attempt: (signal: AbortSignal | undefined) => Promise<T>,
	onWait?: (facts: RetryFacts, delayMs: number) => void,
): Promise<T> {
	const signal = scope.ctx.getExecutionCancelSignal?.();
	for (let n = 0; ; n++) {
		await abortableWait(0, signal);
		try {
			return await attempt(signal);
		} catch (error) {
			const facts = error instanceof NodeApiError ? retryFacts.get(error) : undefined;
			if (!facts || !facts.retryable || n >= scope.s.maxRetries || signal?.aborted) {
				const note = facts ? afterRetries(n + 1) : undefined;
				if (note) (error as NodeApiError).description = joinHints((error as NodeApiError).description ?? undefined, note);
				// Already a NodeApiError with the item and the gateway's words, or n8n's own
				// cancellation or the batch's stop, which must reach the engine as they are.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw error;
			}
			const delay = facts.retryAfterMs ?? backoffDelay(n);
			onWait?.(facts, delay);
			await abortableWait(delay, signal);
		}
	}
}

async function sendOnce(scope: CallScope, call: PreparedCall): Promise<GatewayAnswer> {
	const { ctx, s } = scope;
	const form = s.operation === 'edit' ? await formBody(call) : undefined;
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: call.url,
		body: form ?? call.fields,
		headers: {
			...(form ? { ...form.getHeaders(), 'Content-Length': String(form.getLengthSync()) } : { 'Content-Type': 'application/json' }),
			...call.headers,
		},
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: s.timeoutMs,
		// n8n's default (true) puts the key back on a redirect to another host: a gateway, or
		// whoever answers at its address, could send the key anywhere with one Location header.
		sendCredentialsOnCrossOriginRedirect: false,
	};

	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, s.provider.credentialType, options)) as typeof response;
	} catch (error) {
		throw networkFailure(scope, error, call.url);
	}

	const raw = toBuffer(response.body);
	const status = response.statusCode;
	if (status >= 400) {
		const message = providerMessage(raw) ?? `HTTP ${status}`;
		throw failedAttempt(
			gatewayError(scope, status, `${s.provider.displayName} answered ${status}: ${withSummary(message)}`, statusHint(status)),
			RETRYABLE_STATUS.has(status),
			parseRetryAfter(response.headers?.['retry-after']),
			status,
		);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		const text = raw.toString('utf8');
		const isPage = /^\s*</.test(text);
		throw failedAttempt(
			gatewayError(
				scope,
				status,
				isPage
					? `${s.provider.displayName} answered with a web page instead of JSON: ${providerMessage(raw) ?? 'no title'}`
					: `${s.provider.displayName} sent an answer that is not JSON`,
				raw.length === 0 ? 'The answer was empty.' : `It starts with: ${tidyText(text, 300)}`,
			),
			// A proxy's page or a cut-off body is the transport failing, not the model: worth another try.
			true,
		);
	}
	const answer = readAnswer(parsed);
	if (answer.images.length === 0 && answer.texts.length === 0) {
		// An error inside an HTTP 200, or an empty `data`: retry when it says "busy".
		const embedded = answer.embeddedError;
		const code = embedded?.code && /^\d{3}$/.test(embedded.code) ? Number(embedded.code) : undefined;
		const message = embedded
			? `${s.provider.displayName} reported an error: ${withSummary(embedded.message)}`
			: `${s.provider.displayName} answered without any image`;
		const retryable = embedded ? looksBusy(embedded.message) || (code !== undefined && RETRYABLE_STATUS.has(code)) : true;
		throw failedAttempt(
			gatewayError(scope, code, message, embedded ? statusHint(code) : 'The answer held no image and no text. Run again, or try another model.'),
			retryable,
			undefined,
			code,
		);
	}
	return answer;
}

/** Send with retries; a 429 pauses the whole batch, not only this item. */
async function sendWithRetries(scope: CallScope, call: PreparedCall): Promise<GatewayAnswer> {
	const { gate } = scope;
	return await withRetries(
		scope,
		async (signal) => await gate.run(async () => await sendOnce(scope, call), signal),
		(facts, delay) => {
			if (facts.status === 429) gate.pause(delay);
		},
	);
}

async function downloadOnce(scope: CallScope, url: string, host: string, signal?: AbortSignal): Promise<Buffer> {
	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		// The plain helper, never the authenticated one: the link usually points at another
		// host (a CDN), and the gateway's key must not travel there.
		response = (await scope.ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: scope.s.timeoutMs,
			// The plain helper is not tied to the execution by itself: stop the download on cancel.
			abortSignal: signal,
		})) as typeof response;
	} catch (error) {
		const code = networkCode(error);
		const message = isTimeout(error)
			? `Downloading the image from ${host} did not finish within ${Math.round(scope.s.timeoutMs / 1000)} s`
			: `Could not download the image from ${host}${code ? ` (${code})` : ''}`;
		throw failedAttempt(
			gatewayError(scope, undefined, message, 'Image links are temporary; run again to get a new one.'),
			isRetryableNetworkError(error),
		);
	}
	const status = response.statusCode;
	if (status >= 400) {
		throw failedAttempt(
			gatewayError(
				scope,
				status,
				`Downloading the image from ${host} failed with ${status}`,
				status === 403 || status === 404 || status === 410
					? 'Image links from these gateways expire within hours; this one may have expired. Run again to get a new image.'
					: statusHint(status),
			),
			RETRYABLE_STATUS.has(status),
			parseRetryAfter(response.headers?.['retry-after']),
		);
	}
	return toBuffer(response.body);
}

async function downloadWithRetries(scope: CallScope, url: string, host: string): Promise<Buffer> {
	return await withRetries(scope, async (signal) => await downloadOnce(scope, url, host, signal));
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Bytes base64 text of this length decodes to, when every character in it is base64. */
function decodedLength(text: string): number {
	const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
	return Math.floor(((text.length - padding) * 3) / 4);
}

function decodeBase64(scope: CallScope, text: string, what: string): Buffer {
	// Node's decoder skips characters that are not base64 instead of failing; a decoded length
	// that matches the text's length proves there were none, without a pass of our own over
	// megabytes of text. Only otherwise look closer (line breaks are fine, the rest is not).
	const fast = Buffer.from(text, 'base64');
	if (fast.length === decodedLength(text) && fast.length > 0) return fast;
	const compact = text.replace(/\s+/g, '');
	if (!BASE64.test(compact)) {
		throw gatewayError(scope, undefined, `${scope.s.provider.displayName} sent ${what} that is not valid base64`, `It starts with: ${tidyText(compact, 80)}`);
	}
	return Buffer.from(compact, 'base64');
}

async function imageBytes(scope: CallScope, entry: ImageEntry): Promise<{ bytes: Buffer; url?: string }> {
	if (entry.b64) {
		return { bytes: decodeBase64(scope, entry.b64.replace(/^data:[^,]*;base64,/, ''), 'an image') };
	}
	const url = entry.url as string;
	const dataUrl = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(url);
	if (dataUrl) {
		const bytes = dataUrl[2] ? decodeBase64(scope, dataUrl[3], 'a data: URL') : Buffer.from(decodeURIComponent(dataUrl[3]), 'latin1');
		return { bytes };
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw gatewayError(scope, undefined, `${scope.s.provider.displayName} answered with an image link that is not a URL`, tidyText(url, 200));
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw gatewayError(scope, undefined, `The image link uses ${parsed.protocol}, which the node does not follow`, 'Only http, https and data links are downloaded.');
	}
	return { bytes: await downloadWithRetries(scope, url, parsed.host), url };
}

/**
 * What is missing when the bytes are only the start of an image: a PNG ends with its IEND
 * chunk, a JPEG with an end-of-image marker after its scan, a WebP is as long as its RIFF
 * header says. A gateway that cuts the base64 short (valid base64, valid header) would
 * otherwise give an item whose metadata looks fine and whose picture is broken.
 */
function cutShort(bytes: Buffer, mimeType: string): string | undefined {
	if (mimeType === 'image/png') return bytes.lastIndexOf('IEND') < 0 ? 'The PNG has no end chunk (IEND)' : undefined;
	if (mimeType === 'image/jpeg') {
		const scan = bytes.indexOf(Buffer.from([0xff, 0xda]));
		const end = bytes.lastIndexOf(Buffer.from([0xff, 0xd9]));
		return scan < 0 || end < scan ? 'The JPEG has no end-of-image marker' : undefined;
	}
	if (mimeType === 'image/webp' && bytes.length >= 8) {
		const announced = bytes.readUInt32LE(4) + 8;
		return bytes.length < announced ? `The WebP header announces ${announced} bytes` : undefined;
	}
	return undefined;
}

function textAnswerError(scope: CallScope, answer: GatewayAnswer): NodeApiError {
	const words = answer.texts.map((t) => tidyText(t, 1000)).join('\n');
	return gatewayError(
		scope,
		undefined,
		'The model answered with text instead of an image',
		`The model said: "${words}". Ask plainly for a picture in the prompt (for example "Draw ..." or "Generate an image of ..."), or set "On Text-Only Answer" to output the text.`,
	);
}

export async function runImageCall(scope: CallScope): Promise<INodeExecutionData[]> {
	const { ctx, s } = scope;
	const credentials = await ctx.getCredentials(s.provider.credentialType, s.itemIndex);
	scope.secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		throw itemError(ctx, s.itemIndex, `The ${s.provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	const dialect = dialectFor(s.provider, credentials.dialect);
	const call = await prepareCall(ctx, s, dialect, baseUrl);
	const common: IDataObject = {
		provider: s.provider.id,
		model: s.model,
		operation: s.operation,
		prompt: s.prompt,
	};

	const out: INodeExecutionData[] = [];
	const texts: string[] = [];
	for (let r = 0; r < call.requests; r++) {
		const answer = await sendWithRetries(scope, call);
		if (answer.images.length === 0) {
			if (s.onTextAnswer !== 'output') throw textAnswerError(scope, answer);
			texts.push(...answer.texts);
			continue;
		}
		for (const entry of answer.images) {
			const { bytes, url } = await imageBytes(scope, entry);
			const info = readImageInfo(bytes);
			if (!info) {
				throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is not an image`, `The bytes received: ${describeNonImage(bytes)}.`);
			}
			const missing = cutShort(bytes, info.mimeType);
			if (missing) {
				throw gatewayError(scope, undefined, `${s.provider.displayName} sent an image that is cut short`, `${missing}; ${bytes.length} bytes arrived. Run again to get the whole image.`);
			}
			const index = out.length;
			const fileName = `nano-banana-${s.itemIndex}-${index}.${info.extension}`;
			const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, info.mimeType);
			const json: IDataObject = {
				...common,
				index,
				mimeType: info.mimeType,
				fileName,
				fileSize: bytes.length,
				width: info.width ?? null,
				height: info.height ?? null,
				aspectRatio: s.aspectRatio ?? 'auto',
				resolution: s.resolution ?? 'auto',
				created: answer.created ?? null,
			};
			if (answer.usage) json.usage = answer.usage;
			if (url) json.url = redact(url, scope.secret);
			if (entry.revisedPrompt) json.revisedPrompt = redact(entry.revisedPrompt, scope.secret);
			out.push({ json, binary: { [s.outputProperty]: binary }, pairedItem: { item: s.itemIndex } });
		}
	}

	const warnings = [...call.warnings];
	if (out.length < s.numberOfImages) {
		warnings.push(`Asked for ${s.numberOfImages} images, the gateway returned ${out.length}.`);
	}
	if (s.responseFormat === 'url' && out.some((o) => o.json.url === undefined)) {
		warnings.push('Asked for URL answers, but the gateway answered with base64 data (the image is the same).');
	}
	if (texts.length > 0) {
		// "On Text-Only Answer: Output the Text": the model's words as an item of their own.
		out.push({ json: { ...common, noImage: true, text: redact(texts.join('\n'), scope.secret) as string }, pairedItem: { item: s.itemIndex } });
	}
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}
