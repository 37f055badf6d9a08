/**
 * The item's input images (Edit): read through n8n's binary helpers, checked by their bytes, and
 * kept as parts that can be opened once per attempt. Images n8n keeps outside the item
 * (filesystem, database or S3 mode) are streamed, never loaded whole.
 */
import type { Readable } from 'node:stream';

import type { IExecuteFunctions } from 'n8n-workflow';

import { INPUT_MIME_TYPES, describeNonImage, readImageInfo } from '../images/imageInfo';
import { inputConversation } from './inputConversation';
import { readLinkedImage } from './inputLinks';
import type { CallScope } from '../callScope';
import type { ItemSettings } from '../settings/itemSettings';
import { itemError } from '../errors';
import type { FilePart, InputImages } from './inputParts';

export type { FilePart, InputImages };

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

export async function readInputImage(
	ctx: IExecuteFunctions,
	s: ItemSettings,
	property: string,
	field: 'Input Image Properties' | 'Mask Property',
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
		property,
		filename: `${fileStem(binary.fileName, fallback)}.${info.extension}`,
		contentType: info.mimeType,
		size,
		width: info.width,
		height: info.height,
		open,
	};
}

/**
 * Edit's images and mask, checked before any request: at least one image, no more than the
 * route takes for this model (`max`, named after `takerName`; undefined: not known, no check), from the item's binary properties
 * or from links (inputLinks.ts).
 */
export async function readInputs(scope: CallScope, max: number | undefined, takerName: string): Promise<InputImages> {
	const { ctx, s } = scope;
	if (s.operation !== 'edit') return { images: [] };
	// Going on from a conversation: the picture is in its turns; the prompt is the next instruction.
	if (inputConversation(ctx, s.itemIndex, s.continueConversation)) return { images: [] };
	const fromUrl = s.imageSource === 'url';
	const field = fromUrl ? 'Image URLs' : 'Input Image Properties';
	const count = fromUrl ? s.imageUrls.length : s.imageProperties.length;
	if (count === 0) {
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}" is empty`,
			fromUrl ? 'Give at least one link to an image.' : 'Name at least one binary property that holds an image, for example data.',
		);
	}
	if (max !== undefined && count > max) {
		throw itemError(
			ctx,
			s.itemIndex,
			`"${field}" names ${count} images, but ${takerName} takes at most ${max} for "${s.model}"`,
			'Send fewer images, or pick a model that takes more.',
		);
	}
	const images: FilePart[] = [];
	if (fromUrl) {
		// One after another, in order: a bad link fails the item before the rest are fetched.
		for (const [i, link] of s.imageUrls.entries()) images.push(await readLinkedImage(scope, link, 'Image URLs', i));
		const mask = s.maskUrl ? await readLinkedImage(scope, s.maskUrl, 'Mask URL', 0) : undefined;
		return { images, mask };
	}
	for (const property of s.imageProperties) images.push(await readInputImage(ctx, s, property, 'Input Image Properties'));
	const mask = s.maskProperty ? await readInputImage(ctx, s, s.maskProperty, 'Mask Property') : undefined;
	return { images, mask };
}
