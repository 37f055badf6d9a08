/**
 * Edit's images from links (Image Source: Image URLs): each is downloaded before any gateway call,
 * with the plain helper (never the gateway's key), the one retry loop, and a size limit, then
 * checked by its bytes like an image from a binary property. Anything wrong with a link is a
 * NodeOperationError naming the item, the field and the link.
 */
import { NodeApiError } from 'n8n-workflow';

import { INPUT_MIME_TYPES, describeNonImage, readImageInfo } from '../images/imageInfo';
import type { CallScope } from '../callScope';
import { LinkRefused, TooLargeError, downloadWithRetries, shownLink as shown } from '../transport/downloads';
import { hostAllowed } from './linkHosts';
import { itemError, scrub } from '../errors';
import type { FilePart } from './inputParts';

/** The largest input image the node downloads from a link. */
export const MAX_LINKED_IMAGE_BYTES = 20 * 1024 * 1024;

export type LinkField = 'Image URLs' | 'Mask URL';

/** The link as a URL the node may fetch: http or https, and on "Allowed Link Hosts" when that is set. */
function checkedLink(scope: CallScope, link: string, field: LinkField): URL {
	const { ctx, s } = scope;
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		throw itemError(ctx, s.itemIndex, `"${field}": "${link.slice(0, 200)}" is not a link`, 'Give full http or https links, for example https://shop.example.com/photos/mug.jpg.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw itemError(ctx, s.itemIndex, `"${field}": ${shown(url)} is not an http or https link`, 'Only http and https links can be downloaded.');
	}
	const allowed = s.allowedLinkHosts;
	if (!hostAllowed(allowed, url)) {
		throw itemError(ctx, s.itemIndex, `"${field}": ${shown(url)} is on ${url.host}, which is not in "Allowed Link Hosts"`, `The node downloads links only from ${allowed.join(', ')}. Add the host there if you trust it.`);
	}
	return url;
}

/** The link's bytes, within the size limit and the host rule; every failure named by field and link. */
async function downloadLink(scope: CallScope, url: URL, field: LinkField): Promise<Buffer> {
	const { ctx, s } = scope;
	const allowed = s.allowedLinkHosts;
	try {
		const rules = { maxBytes: MAX_LINKED_IMAGE_BYTES, allowHost: allowed.length > 0 ? (hop: URL) => hostAllowed(allowed, hop) : undefined };
		return await downloadWithRetries(scope, url.href, rules);
	} catch (error) {
		if (error instanceof LinkRefused) throw itemError(ctx, s.itemIndex, `"${field}": ${error.message}`, error.hint);
		if (error instanceof TooLargeError) {
			throw itemError(ctx, s.itemIndex, `"${field}": the image at ${shown(url)} is ${error.message}`, 'Input images can be at most 20 MB. Use a smaller version of the image.');
		}
		if (error instanceof NodeApiError) {
			throw itemError(
				ctx,
				s.itemIndex,
				`"${field}": could not download ${shown(url)}`,
				`${scrub(scope, error.message)}. Check that the link is public and points at the image itself.`,
			);
		}
		// n8n's cancellation: it must reach the engine as it is.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

/** Cloud Storage image types by extension: Vertex AI reads the object itself, so its name says its type. */
const STORAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

/** A `gs://` link, for a provider that reads Cloud Storage itself: passed on, never downloaded. */
function storageLink(scope: CallScope, link: string, field: LinkField, position: number): FilePart {
	const { ctx, s } = scope;
	if (!s.provider.gemini?.storageLinks) {
		throw itemError(ctx, s.itemIndex, `"${field}": ${link.slice(0, 200)} is a Cloud Storage link, which ${s.provider.displayName} cannot read`, 'gs:// links work with Google Vertex AI only. Give an http or https link here.');
	}
	const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,221})\/(.+)$/.exec(link);
	const extension = match ? /\.([A-Za-z0-9]+)$/.exec(match[2])?.[1]?.toLowerCase() : undefined;
	const contentType = extension ? STORAGE_TYPES[extension] : undefined;
	if (!match || !contentType) {
		throw itemError(ctx, s.itemIndex, `"${field}": ${link.slice(0, 200)} is not a gs:// link to a PNG, JPEG or WebP object`, 'Give gs://bucket/path/name.png (or .jpg, .jpeg, .webp): the node sends it as it is, so the name must say the image type.');
	}
	const name = match[2].split('/').pop() ?? `image-${position + 1}.${extension}`;
	return {
		property: link,
		filename: name,
		contentType,
		size: 0,
		storageUri: link,
		open: async () => await Promise.reject(new Error('A Cloud Storage link is read by the provider, not the node')),
	};
}

export async function readLinkedImage(scope: CallScope, link: string, field: LinkField, position: number): Promise<FilePart> {
	const { ctx, s } = scope;
	if (/^gs:\/\//i.test(link)) return storageLink(scope, link, field, position);
	const url = checkedLink(scope, link, field);
	const bytes = await downloadLink(scope, url, field);
	const info = readImageInfo(bytes);
	if (!info || !INPUT_MIME_TYPES.includes(info.mimeType)) {
		const page = /^\s*(<!doctype html|<html|<\?xml|<head|<body)/i.test(bytes.subarray(0, 512).toString('latin1'));
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}": ${shown(url)} is ${page ? 'a web page, not an image' : info ? `${info.mimeType}, not a PNG, JPEG or WebP image` : 'not an image'}`,
			page
				? "Link to the image file itself (right-click the picture, 'Copy image address'), not to the page that shows it."
				: info
					? 'The Gemini image models take PNG, JPEG or WebP.'
					: `Its bytes: ${describeNonImage(bytes)}.`,
		);
	}
	const stem = decodeURIComponent(url.pathname.split('/').pop() ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[^\w.-]+/g, '-') || `image-${position + 1}`;
	return {
		property: shown(url),
		filename: `${stem}.${info.extension}`,
		contentType: info.mimeType,
		size: bytes.length,
		width: info.width,
		height: info.height,
		open: async () => bytes,
	};
}
