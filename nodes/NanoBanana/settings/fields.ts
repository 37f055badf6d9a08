/**
 * Reading the text fields whose shape is the user's to get wrong: Extra Request Fields (JSON),
 * lists of binary property names, and lists of links.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemError } from '../errors';

export function parseExtraFields(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): IDataObject {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return {};
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw itemError(ctx, itemIndex, '"Extra Request Fields (JSON)" is not valid JSON', `${(error as Error).message}. Write a JSON object, for example {"user": "campaign-42"}.`);
		}
	}
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw itemError(ctx, itemIndex, '"Extra Request Fields (JSON)" must be a JSON object', 'Write an object of field names and values, for example {"user": "campaign-42"}.');
	}
	return value as IDataObject;
}

export function splitNames(value: string): string[] {
	return value
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

/**
 * Image links as the user gives them: an array (an expression), or text with one link per line or
 * links separated by commas. A comma splits only where a new link starts, so links that carry
 * commas themselves (image CDNs' transformations, "w_500,h_300") stay whole.
 */
export function splitLinks(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map((v) => String(v ?? '')) : String(value ?? '').split(/\r?\n|,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i);
	return parts.map((link) => link.trim()).filter((link) => link !== '');
}
