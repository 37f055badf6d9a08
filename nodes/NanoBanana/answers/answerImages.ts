/**
 * From an answer's image entries to image bytes: base64 and data: URLs decoded, links downloaded
 * at once (they expire) without the API key, a file of the provider's own API fetched with it;
 * and the checks that an image is whole.
 */
import type { ImageEntry } from './gatewayAnswer';
import { tidyText } from './gatewayAnswer';
import type { CallScope } from '../callScope';
import { LinkRefused, downloadWithRetries } from '../transport/downloads';
import { gatewayError } from '../errors';
import { requestWithRetries } from '../transport/send';

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

export async function imageBytes(scope: CallScope, entry: ImageEntry): Promise<{ bytes: Buffer; url?: string }> {
	if (entry.b64) {
		return { bytes: decodeBase64(scope, entry.b64.replace(/^data:[^,]*;base64,/, ''), 'an image') };
	}
	if (entry.providerFile) {
		// A file of the provider's own API (the reader built its address from the credential's base URL).
		const file = await requestWithRetries(scope, async () => ({ method: 'GET', url: entry.providerFile as string, headers: { ...scope.s.provider.headers }, authenticated: true }));
		return { bytes: file.body };
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
	try {
		return { bytes: await downloadWithRetries(scope, url), url };
	} catch (error) {
		if (error instanceof LinkRefused) throw gatewayError(scope, undefined, `${scope.s.provider.displayName} answered with an image link the node may not fetch: ${error.message}`, error.hint);
		// Already a NodeApiError with the host, or n8n's own cancellation.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/**
 * What is missing when the bytes are only the start of an image: a PNG ends with its IEND
 * chunk, a JPEG with an end-of-image marker after its scan, a WebP is as long as its RIFF
 * header says. A gateway that cuts the base64 short (valid base64, valid header) would
 * otherwise give an item whose metadata looks fine and whose picture is broken.
 */
export function cutShort(bytes: Buffer, mimeType: string): string | undefined {
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
