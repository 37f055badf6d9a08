/**
 * One item's work: build the gateway request from the item's settings and the provider's
 * description, send it, and turn every image in the answer into an n8n binary item.
 */
import FormData from 'form-data';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GatewayAnswer, ImageEntry } from './gatewayAnswer';
import { providerMessage, readAnswer, tidyText } from './gatewayAnswer';
import type { ImageInfo } from './imageInfo';
import { INPUT_MIME_TYPES, describeNonImage, readImageInfo } from './imageInfo';
import type { Dialect } from './providers';
import { dialectFor, normalizeBaseUrl } from './providers';
import type { ItemSettings } from './settings';
import { itemError } from './settings';

interface FilePart {
	field: string;
	bytes: Buffer;
	filename: string;
	contentType: string;
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

async function readInputImage(
	ctx: IExecuteFunctions,
	s: ItemSettings,
	property: string,
	field: 'Input Image Properties' | 'Mask Property',
): Promise<{ bytes: Buffer; info: ImageInfo; binary: IBinaryData }> {
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
	const bytes = await ctx.helpers.getBinaryDataBuffer(s.itemIndex, property);
	const info = readImageInfo(bytes);
	if (!info || !INPUT_MIME_TYPES.includes(info.mimeType)) {
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}": the binary property "${property}" is not a PNG, JPEG or WebP image`,
			info
				? `It is ${info.mimeType}, which the Gemini image models do not take.`
				: `Its bytes are not an image: ${describeNonImage(bytes)} (declared type: ${binary.mimeType}).`,
		);
	}
	return { bytes, info, binary };
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
			const { bytes, info, binary } = await readInputImage(ctx, s, property, 'Input Image Properties');
			files.push({ field, bytes, filename: `${fileStem(binary.fileName, property)}.${info.extension}`, contentType: info.mimeType });
		}
		if (s.maskProperty) {
			if (dialect.maskField) {
				const { bytes, info, binary } = await readInputImage(ctx, s, s.maskProperty, 'Mask Property');
				files.push({
					field: dialect.maskField,
					bytes,
					filename: `${fileStem(binary.fileName, 'mask')}.${info.extension}`,
					contentType: info.mimeType,
				});
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

function formBody(call: PreparedCall): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(call.fields)) {
		if (value === undefined || value === null) continue;
		form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	for (const file of call.files) {
		form.append(file.field, file.bytes, { filename: file.filename, contentType: file.contentType, knownLength: file.bytes.length });
	}
	return form;
}

function gatewayError(
	ctx: IExecuteFunctions,
	s: ItemSettings,
	status: number | undefined,
	message: string,
	description?: string,
): NodeApiError {
	return new NodeApiError(ctx.getNode(), { message, httpCode: status === undefined ? null : String(status) } as JsonObject, {
		message,
		description,
		httpCode: status === undefined ? undefined : String(status),
		itemIndex: s.itemIndex,
	});
}

const STATUS_HINTS: Record<number, string> = {
	401: 'The gateway did not accept the API key. Check the key (and the base URL) in the credential.',
	403: 'The key is not allowed to use this model or endpoint. Check the model ID and your plan with the gateway.',
	404: 'The gateway has no such endpoint or model. Check the base URL (without /v1) and the model ID.',
	413: 'The request is too large for the gateway. Send fewer or smaller images.',
	429: 'The gateway is rate limiting, or its upstream is saturated. Wait and run again, or send fewer items at once.',
};

/** Gateways sometimes answer with an error status inside the body of an HTTP 200. */
function statusHint(status: number | undefined): string | undefined {
	if (status === undefined) return undefined;
	return STATUS_HINTS[status] ?? (status >= 500 ? 'The gateway or its upstream failed. This is usually temporary: run again later.' : undefined);
}

async function sendOnce(ctx: IExecuteFunctions, s: ItemSettings, call: PreparedCall): Promise<GatewayAnswer> {
	const isEdit = s.operation === 'edit';
	const form = isEdit ? formBody(call) : undefined;
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
	};

	let response: { statusCode: number; body: unknown };
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, s.provider.credentialType, options)) as typeof response;
	} catch (error) {
		throw networkError(ctx, s, error, call.url);
	}

	const raw = toBuffer(response.body);
	const status = response.statusCode;
	if (status >= 400) {
		const message = providerMessage(raw) ?? `HTTP ${status}`;
		throw gatewayError(ctx, s, status, `${s.provider.displayName} answered ${status}: ${message}`, statusHint(status));
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		throw gatewayError(
			ctx,
			s,
			status,
			`${s.provider.displayName} sent an answer that is not JSON`,
			raw.length === 0 ? 'The answer was empty.' : `It starts with: ${tidyText(raw.toString('utf8'), 300)}`,
		);
	}
	return readAnswer(parsed);
}

/** Errors that never reached an HTTP answer: refused, reset, timed out, cancelled. */
function networkError(ctx: IExecuteFunctions, s: ItemSettings, error: unknown, url: string): NodeApiError {
	const e = error as { code?: string; cause?: { code?: string }; message?: string };
	const code = e.code ?? e.cause?.code;
	const host = new URL(url).host;
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '');
	const message = timedOut
		? `${s.provider.displayName} did not answer within ${Math.round(s.timeoutMs / 1000)} s`
		: `Could not reach ${s.provider.displayName} at ${host}${code ? ` (${code})` : ''}`;
	const description = timedOut
		? 'Large images can take minutes. Raise "Timeout (Seconds)" in the options, or use a lower resolution.'
		: 'Check the base URL in the credential and that the gateway is up.';
	// A fresh error: the original carries the request's headers, and with them the API key.
	return gatewayError(ctx, s, undefined, message, description);
}

async function imageBytes(ctx: IExecuteFunctions, s: ItemSettings, entry: ImageEntry): Promise<{ bytes: Buffer; url?: string }> {
	if (entry.b64) {
		const b64 = entry.b64.replace(/^data:[^,]*;base64,/, '');
		return { bytes: Buffer.from(b64, 'base64') };
	}
	const url = entry.url as string;
	const dataUrl = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(url);
	if (dataUrl) {
		const bytes = dataUrl[2] ? Buffer.from(dataUrl[3], 'base64') : Buffer.from(decodeURIComponent(dataUrl[3]), 'latin1');
		return { bytes };
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw gatewayError(ctx, s, undefined, `${s.provider.displayName} answered with an image link that is not a URL`, tidyText(url, 200));
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw gatewayError(ctx, s, undefined, `The image link uses ${parsed.protocol}, which the node does not follow`, 'Only http, https and data links are downloaded.');
	}
	let response: { statusCode: number; body: unknown };
	try {
		// The plain helper, never the authenticated one: the link usually points at another
		// host (a CDN), and the gateway's key must not travel there.
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: s.timeoutMs,
		})) as typeof response;
	} catch (error) {
		const code = (error as { code?: string }).code;
		throw gatewayError(ctx, s, undefined, `Could not download the image from ${parsed.host}${code ? ` (${code})` : ''}`, 'The link may be temporary; run again to get a new one.');
	}
	if (response.statusCode >= 400) {
		throw gatewayError(
			ctx,
			s,
			response.statusCode,
			`Downloading the image from ${parsed.host} failed with ${response.statusCode}`,
			response.statusCode === 403 || response.statusCode === 404
				? 'Image links from these gateways expire within hours; this one may have expired. Run again to get a new image.'
				: undefined,
		);
	}
	return { bytes: toBuffer(response.body), url };
}

function noImageError(ctx: IExecuteFunctions, s: ItemSettings, answer: GatewayAnswer): NodeApiError {
	if (answer.embeddedError) {
		const { message, code } = answer.embeddedError;
		const status = code && /^\d{3}$/.test(code) ? Number(code) : undefined;
		return gatewayError(ctx, s, status, `${s.provider.displayName} reported an error: ${message}`, statusHint(status));
	}
	const words = answer.texts.map((t) => tidyText(t, 1000)).join('\n');
	if (words) {
		return gatewayError(
			ctx,
			s,
			undefined,
			'The model answered with text instead of an image',
			`The model said: "${words}". Ask plainly for a picture in the prompt (for example "Draw ..." or "Generate an image of ...").`,
		);
	}
	return gatewayError(ctx, s, undefined, `${s.provider.displayName} answered without any image`, 'The answer held no image and no text. Run again, or try another model.');
}

export async function runImageCall(ctx: IExecuteFunctions, s: ItemSettings): Promise<INodeExecutionData[]> {
	const credentials = await ctx.getCredentials(s.provider.credentialType, s.itemIndex);
	const baseUrl = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
		throw itemError(ctx, s.itemIndex, `The ${s.provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	const dialect = dialectFor(s.provider, credentials.dialect);
	const call = await prepareCall(ctx, s, dialect, baseUrl);

	const out: INodeExecutionData[] = [];
	for (let r = 0; r < call.requests; r++) {
		const answer = await sendOnce(ctx, s, call);
		if (answer.images.length === 0) throw noImageError(ctx, s, answer);
		for (const entry of answer.images) {
			const { bytes, url } = await imageBytes(ctx, s, entry);
			const info = readImageInfo(bytes);
			if (!info) {
				throw gatewayError(ctx, s, undefined, `${s.provider.displayName} sent an image that is not an image`, `The bytes received: ${describeNonImage(bytes)}.`);
			}
			const index = out.length;
			const fileName = `nano-banana-${s.itemIndex}-${index}.${info.extension}`;
			const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, info.mimeType);
			const json: IDataObject = {
				provider: s.provider.id,
				model: s.model,
				operation: s.operation,
				prompt: s.prompt,
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
			if (url) json.url = url;
			if (entry.revisedPrompt) json.revisedPrompt = entry.revisedPrompt;
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
	if (warnings.length > 0) for (const o of out) o.json.warnings = warnings;
	return out;
}
