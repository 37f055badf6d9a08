/**
 * Downloads of image links: answers given as links, and Edit's input links. Always with the plain
 * helper, never the authenticated one (a link usually points at another host, a CDN, and the
 * gateway's key must not travel there), through the same retry loop as gateway calls, with a size
 * limit when one is given. With a host rule ("Allowed Link Hosts") the node follows redirects
 * itself and checks every hop before its body is read. A refusal, by that rule or by n8n's own
 * SSRF protection, is a `LinkRefused`, never retried.
 */
import type { CallScope } from '../callScope';
import { failedAttempt, gatewayError, statusHint } from '../errors';
import { toBuffer } from './httpAttempt';
import { withRetries } from './retryLoop';
import { RETRYABLE_STATUS, isRetryableNetworkError, isTimeout, networkCode, parseRetryAfter } from './retryPolicy';
import { ssrfHint, ssrfRefusal } from './ssrf';

/** A download that went past its size limit: not retried (the file is what it is). */
export class TooLargeError extends Error {
	constructor(readonly limit: number) {
		super(`larger than ${Math.round(limit / (1024 * 1024))} MB`);
		this.name = 'TooLargeError';
	}
}

/** A link the node may not fetch: a host off "Allowed Link Hosts", or an address n8n's SSRF protection refused. */
export class LinkRefused extends Error {
	constructor(
		readonly reason: 'host' | 'ssrf' | 'scheme',
		readonly host: string,
		message: string,
		readonly hint: string,
	) {
		super(message);
		this.name = 'LinkRefused';
	}
}

export interface DownloadRules {
	/** Past this many bytes the download ends with TooLargeError. */
	maxBytes?: number;
	/** Every hop's host must pass (the node follows redirects itself then). */
	allowHost?: (url: URL) => boolean;
}

/** A link as it shows in a message: without its query (signed links carry tokens there). */
export const shownLink = (url: URL): string => `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

type Response = { statusCode: number; body: unknown; headers?: Record<string, unknown> };

const drop = (response: Response) => (response.body as { destroy?: () => void } | undefined)?.destroy?.();

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

/** One GET of one hop; a network failure is marked for the retry loop, an SSRF refusal is final. */
async function getOnce(scope: CallScope, url: URL, signal: AbortSignal | undefined, rules: DownloadRules): Promise<Response> {
	try {
		// The plain helper, never the authenticated one: the key must not travel to a link's host.
		return (await scope.ctx.helpers.httpRequest({
			method: 'GET',
			url: url.href,
			// With a size limit (or hops to check) the body is read as it comes, or dropped unread.
			encoding: rules.maxBytes === undefined && !rules.allowHost ? 'arraybuffer' : 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: rules.allowHost !== undefined,
			timeout: scope.s.timeoutMs,
			// The plain helper is not tied to the execution by itself: stop the download on cancel.
			abortSignal: signal,
		})) as Response;
	} catch (error) {
		const refusal = ssrfRefusal(error);
		// The caller names the field and the link (inputs/inputLinks.ts, answers/answerImages.ts).
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (refusal) throw new LinkRefused('ssrf', url.host, `n8n's SSRF protection blocked the download from ${shownLink(url)}`, ssrfHint(refusal));
		const code = networkCode(error);
		const message = isTimeout(error)
			? `Downloading the image from ${url.host} did not finish within ${Math.round(scope.s.timeoutMs / 1000)} s`
			: `Could not download the image from ${url.host}${code ? ` (${code})` : ''}`;
		throw failedAttempt(gatewayError(scope, undefined, message, 'Image links are temporary; run again to get a new one.'), isRetryableNetworkError(error));
	}
}

/** The next hop of a redirect, checked against the rule before anything is fetched from it. */
function nextHop(scope: CallScope, from: URL, response: Response, rules: DownloadRules, hop: number): URL {
	drop(response);
	const location = response.headers?.location;
	const next = new URL(String(Array.isArray(location) ? location[0] : location), from);
	if (hop >= MAX_HOPS) throw failedAttempt(gatewayError(scope, response.statusCode, `The image link ${shownLink(from)} redirects more than ${MAX_HOPS} times`), false);
	if (next.protocol !== 'http:' && next.protocol !== 'https:') {
		throw new LinkRefused('scheme', next.host, `The image link ${shownLink(from)} redirects to ${next.protocol}, which the node does not follow`, 'Only http and https links are downloaded.');
	}
	if (rules.allowHost && !rules.allowHost(next)) {
		throw new LinkRefused('host', next.host, `The image link ${shownLink(from)} redirects to ${next.host}, which is not in "Allowed Link Hosts"`, `Add ${next.hostname} to "Allowed Link Hosts" if you trust it, or link to the image where it is stored.`);
	}
	return next;
}

/** The bytes of a whole answer, within the size limit. */
async function bodyOf(scope: CallScope, url: URL, response: Response, rules: DownloadRules): Promise<Buffer> {
	const status = response.statusCode;
	const streamed = rules.maxBytes !== undefined || rules.allowHost !== undefined;
	if (status >= 400) {
		if (streamed) drop(response);
		const expired = status === 403 || status === 404 || status === 410;
		const hint = expired ? 'Image links from these gateways expire within hours; this one may have expired. Run again to get a new image.' : statusHint(status);
		throw failedAttempt(gatewayError(scope, status, `Downloading the image from ${url.host} failed with ${status}`, hint), RETRYABLE_STATUS.has(status), parseRetryAfter(response.headers?.['retry-after']));
	}
	const limit = rules.maxBytes ?? Infinity;
	const declared = Number(response.headers?.['content-length']);
	if (Number.isFinite(declared) && declared > limit) {
		drop(response);
		throw new TooLargeError(limit);
	}
	if (!streamed) return toBuffer(response.body);
	try {
		return await readLimited(response.body, limit);
	} catch (error) {
		// The caller names the field and the link.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (error instanceof TooLargeError) throw error;
		throw failedAttempt(gatewayError(scope, undefined, `The download from ${url.host} broke off before it was complete`), true);
	}
}

async function downloadOnce(scope: CallScope, link: string, signal: AbortSignal | undefined, rules: DownloadRules): Promise<Buffer> {
	let url = new URL(link);
	for (let hop = 0; ; hop++) {
		const response = await getOnce(scope, url, signal, rules);
		if (!rules.allowHost || !REDIRECTS.has(response.statusCode) || response.headers?.location === undefined) return await bodyOf(scope, url, response, rules);
		url = nextHop(scope, url, response, rules, hop);
	}
}

/** Download a link without the key, with the one retry loop and the given rules. */
export async function downloadWithRetries(scope: CallScope, url: string, rules: DownloadRules = {}): Promise<Buffer> {
	return await withRetries(scope, async (signal) => await downloadOnce(scope, url, signal, rules));
}
