/**
 * What Edit's inputs are once read: image parts that open afresh for every attempt, in the order
 * the user named them, and the mask.
 */
import type { Readable } from 'node:stream';

/**
 * One image part of an edit. Images n8n keeps on disk are streamed from there on every
 * attempt (form-data and the JSON body builder are told their size), so a batch of large
 * inputs is not held in memory.
 */
export interface FilePart {
	/** The binary property it came from. */
	property: string;
	filename: string;
	contentType: string;
	size: number;
	width?: number;
	height?: number;
	open: () => Promise<Buffer | Readable>;
	/** A `gs://` link the provider reads itself (Vertex AI): nothing to open, sent as a file reference. */
	storageUri?: string;
}

/** The edit's inputs, in the order the user named them. */
export interface InputImages {
	images: FilePart[];
	mask?: FilePart;
}
