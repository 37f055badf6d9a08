/**
 * One HTTP attempt: a request to the provider (with the connection's authentication) or to a link
 * (without it), its answer as bytes, and every failure as a NodeApiError marked for the retry
 * loop: an HTTP error with the provider's words and a hint, or a network failure named for what
 * happened (refused, reset, cut off, timed out). The key never travels with a redirect.
 */
import { Readable } from 'node:stream';

import FormData from 'form-data';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { providerMessage } from '../answers/gatewayAnswer';
import { googleErrorHint } from '../answers/googleErrorInfo';
import type { CallScope } from '../callScope';
import { failedAttempt, gatewayError, retryFactsOf, statusHint, withSummary } from '../errors';
import { RETRYABLE_STATUS, isCutOff, isRetryableNetworkError, isTimeout, networkCode, parseRetryAfter } from './retryPolicy';

/** Bodies asked for with `encoding: 'arraybuffer'` arrive as a Buffer; be tolerant of the rest. */
export function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/** A request body: JSON, JSON already built into a buffer (base64 images in it), multipart, or a stream of known length (an upload). */
export type RequestBody = IDataObject | Buffer | FormData | Readable;

/** One request to the provider, with its key, as a route's own step (an upload) needs it. */
export interface ProviderRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	body?: RequestBody;
	/** Send with the credential (the provider's own API) or without (a link to another host). */
	authenticated: boolean;
	/** Hand a successful answer's body over as a stream (`ProviderResponse.stream`), to be read as it comes. */
	stream?: boolean;
}

export interface ProviderResponse {
	status: number;
	headers: Record<string, unknown>;
	/** The answer's bytes (empty when it is handed over as a stream). */
	body: Buffer;
	stream?: Readable;
}

/** A streamed answer's bytes, for an error's words. */
async function drained(body: unknown): Promise<Buffer> {
	if (!(body instanceof Readable)) return toBuffer(body);
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
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
 * Out through n8n's helpers: the provider's own API with the connection's authentication (n8n's
 * credential, or the headers of the route's token source, `auth`: a 401 on those fetches new ones
 * and sends once more), anything else with the plain helper.
 */
async function send(scope: CallScope, request: ProviderRequest, options: IHttpRequestOptions, auth: Record<string, string> | undefined, signal?: AbortSignal): Promise<unknown> {
	const { ctx, connection } = scope;
	if (!request.authenticated) {
		// The plain helper is not tied to the execution by itself: stop the request on cancel.
		return await ctx.helpers.httpRequest({ ...options, abortSignal: signal });
	}
	if (!connection) throw new Error('A call to the provider was made before its route was opened');
	if (auth) {
		const sent = async (extra: Record<string, string>) => (await ctx.helpers.httpRequest({ ...options, headers: { ...(options.headers as IDataObject), ...extra }, abortSignal: signal })) as { statusCode?: number };
		const response = await sent(auth);
		if (response.statusCode !== 401 || !connection.reauthorize || !connection.authHeaders) return response;
		// The token lapsed or was revoked: once more with a new one (one fetch for every call that saw it).
		connection.reauthorize(auth);
		return await sent(await connection.authHeaders(scope));
	}
	return await ctx.helpers.httpRequestWithAuthentication.call(ctx, connection.credentialType, options);
}

/** Send one request; an HTTP error or a network failure is a NodeApiError marked for the retry loop. */
export async function attemptOnce(scope: CallScope, request: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
	const { s } = scope;
	const { body } = request;
	const form = body instanceof FormData ? body : undefined;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		body,
		headers: {
			...(form ? { ...form.getHeaders(), 'Content-Length': String(form.getLengthSync()) } : body === undefined ? {} : { 'Content-Type': 'application/json' }),
			...request.headers,
		},
		encoding: request.stream ? 'stream' : 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: s.timeoutMs,
		// n8n's default (true) puts the key back on a redirect to another host: a gateway, or
		// whoever answers at its address, could send the key anywhere with one Location header.
		sendCredentialsOnCrossOriginRedirect: false,
	};

	// A token source's headers, before the request: its own failures are errors of their own (a refused key).
	const auth = request.authenticated && scope.connection?.authHeaders ? await scope.connection.authHeaders(scope) : undefined;
	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		response = (await send(scope, request, options, auth, signal)) as typeof response;
	} catch (error) {
		// A refused token after a 401 is already the item's error (googleCloudConnection.ts).
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (retryFactsOf(error) || error instanceof NodeOperationError) throw error;
		throw networkFailure(scope, error, request.url);
	}

	const status = response.statusCode;
	if (request.stream && status < 400 && response.body instanceof Readable) return { status, headers: response.headers ?? {}, body: Buffer.alloc(0), stream: response.body };
	const raw = await drained(response.body);
	if (status >= 400) {
		const message = providerMessage(raw) ?? `HTTP ${status}`;
		throw failedAttempt(
			gatewayError(scope, status, `${s.provider.displayName} answered ${status}: ${withSummary(message)}`, googleErrorHint(raw) ?? statusHint(status)),
			RETRYABLE_STATUS.has(status),
			parseRetryAfter(response.headers?.['retry-after']) ?? scope.retryDelayIn?.(raw),
			status,
			message,
		);
	}
	return { status, headers: response.headers ?? {}, body: raw };
}
