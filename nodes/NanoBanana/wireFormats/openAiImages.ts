/**
 * The OpenAI Images wire format: `POST {base}/v1/images/generations` (JSON) and
 * `POST {base}/v1/images/edits` (multipart), answered with `{"data": [{"url"} | {"b64_json"}]}`.
 * The provider's field dialect (providers.ts) says how each gateway spells ratio, resolution,
 * count, answer format and the image parts.
 */
import FormData from 'form-data';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readAnswer } from '../gatewayAnswer';
import type { FilePart } from '../inputImages';
import { readInputImage } from '../inputImages';
import type { Dialect } from '../providers';
import type { ItemSettings } from '../settings';
import { itemError } from '../settings';
import type { WireCall } from '../transport';

export async function openAiImagesCall(ctx: IExecuteFunctions, s: ItemSettings, dialect: Dialect, baseUrl: string): Promise<WireCall> {
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

	const call = {
		url: `${baseUrl}/v1/images/${s.operation === 'edit' ? 'edits' : 'generations'}`,
		fields: { ...fields, ...s.extraFields },
		files,
	};
	return {
		url: call.url,
		headers: { ...dialect.headers },
		// Generate sends JSON; Edit multipart, built afresh for each attempt.
		body: s.operation === 'edit' ? async () => await formBody(call.fields, call.files) : async () => call.fields,
		read: readAnswer,
		requests,
		warnings,
	};
}

/** A fresh multipart body for each attempt: streams cannot be sent twice. */
async function formBody(fields: IDataObject, files: FilePart[]): Promise<FormData> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined || value === null) continue;
		form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	for (const file of files) {
		form.append(file.field, await file.open(), {
			filename: file.filename,
			contentType: file.contentType,
			knownLength: file.size,
		});
	}
	return form;
}
