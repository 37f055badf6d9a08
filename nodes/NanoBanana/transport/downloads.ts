/**
 * Downloads of image links: answers given as links, and Edit's input links. Always with the plain
 * helper, never the authenticated one (a link usually points at another host, a CDN, and the
 * gateway's key must not travel there), through the same retry loop as gateway calls, and with a
 * size limit when one is given.
 */
import { RETRYABLE_STATUS, isRetryableNetworkError, isTimeout, networkCode, parseRetryAfter } from './retryPolicy';
import type { CallScope } from '../callScope';
import { failedAttempt, gatewayError, statusHint } from '../errors';
import { toBuffer } from './httpAttempt';
import { withRetries } from './retryLoop';

/** A download that went past its size limit: not retried (the file is what it is). */
export class TooLargeError extends Error {
	constructor(readonly limit: number) {
		super(`larger than ${Math.round(limit / (1024 * 1024))} MB`);
		this.name = 'TooLargeError';
	}
}

/** Read a streamed body, giving up (and closing the connection) once it passes `limit` bytes. */
async function readLimited(body: unknown, limit: number): Promise<Buffer> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
		const bytes = toBuffer(body);
		if (bytes.length > limit) throw new TooLargeError(limit);
		return bytes;
	}
	const stream = body as AsyncIterable<Buffer> & { destroy?: () => void };
	const chunks: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			length += chunk.length;
			if (length > limit) throw new TooLargeError(limit);
			chunks.push(chunk);
		}
	} finally {
		stream.destroy?.();
	}
	return Buffer.concat(chunks, length);
}

async function downloadOnce(scope: CallScope, url: string, host: string, signal?: AbortSignal, maxBytes?: number): Promise<Buffer> {
	let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
	try {
		// The plain helper, never the authenticated one: the link usually points at another
		// host (a CDN), and the gateway's key must not travel there.
		response = (await scope.ctx.helpers.httpRequest({
			method: 'GET',
			url,
			// With a size limit the body is read as it comes, and dropped once past the limit.
			encoding: maxBytes === undefined ? 'arraybuffer' : 'stream',
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
		if (maxBytes !== undefined) (response.body as { destroy?: () => void } | undefined)?.destroy?.();
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
	if (maxBytes === undefined) return toBuffer(response.body);
	const declared = Number(response.headers?.['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) {
		(response.body as { destroy?: () => void } | undefined)?.destroy?.();
		throw new TooLargeError(maxBytes);
	}
	try {
		return await readLimited(response.body, maxBytes);
	} catch (error) {
		// The caller names the field and the link.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (error instanceof TooLargeError) throw error;
		throw failedAttempt(gatewayError(scope, undefined, `The download from ${host} broke off before it was complete`), true);
	}
}

/** Download a link without the key, with the one retry loop; `maxBytes` ends it with TooLargeError past that size. */
export async function downloadWithRetries(scope: CallScope, url: string, host: string, maxBytes?: number): Promise<Buffer> {
	return await withRetries(scope, async (signal) => await downloadOnce(scope, url, host, signal, maxBytes));
}
