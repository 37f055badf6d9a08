/**
 * The OpenAI Images wire format: `POST {base}/v1/images/generations` (JSON) and
 * `POST {base}/v1/images/edits` (multipart), answered with `{"data": [{"url"} | {"b64_json"}]}`.
 * The provider's field dialect (providers.ts) says how each gateway spells ratio, resolution,
 * count, answer format and the image parts.
 */
import FormData from 'form-data';
import type { IDataObject } from 'n8n-workflow';

import { readAnswer } from '../gatewayAnswer';
import type { FilePart } from '../inputImages';
import { familyOf, fixedSizeOf } from '../providers';
import type { WireCall } from '../transport';
import type { CallPlan, WireFormat } from './wireFormat';

/** One multipart file: the part and the field the dialect names it by. */
interface FormFile {
	field: string;
	part: FilePart;
}

async function build({ scope, provider, baseUrl, dialect, inputs, aspectRatio }: CallPlan): Promise<WireCall> {
	const { s } = scope;
	const size = dialect.mapSize({ model: s.model, family: familyOf(s.facts, s.model), fixedSize: fixedSizeOf(s.facts, s.model), aspectRatio, resolution: s.resolution });
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
				`Response format "${s.responseFormat}" was not sent: ${provider.displayName} (${dialect.displayName}) has no such setting and picks the format itself.`,
			);
	}
	if (s.mediaResolution) {
		if (dialect.mediaResolutionField) fields[dialect.mediaResolutionField] = s.mediaResolution;
		else warnings.push(`Input media resolution was not sent: ${dialect.displayName} gateways have no such setting.`);
	}
	if (s.includeText) {
		warnings.push('"Include the Model\'s Text" has no effect here: the OpenAI Images endpoint returns images only.');
	}

	const files: FormFile[] = [];
	const field = dialect.imageField(inputs.images.length);
	for (const part of inputs.images) files.push({ field, part });
	if (inputs.mask) {
		if (dialect.maskField) files.push({ field: dialect.maskField, part: inputs.mask });
		else warnings.push(`The mask was not sent: ${provider.displayName} (${dialect.displayName}) takes no mask.`);
	}

	const all = { ...fields, ...s.extraFields };
	return {
		url: `${baseUrl}/v1/images/${s.operation === 'edit' ? 'edits' : 'generations'}`,
		headers: { ...provider.headers, ...dialect.headers },
		// Generate sends JSON; Edit multipart, built afresh for each attempt.
		body: s.operation === 'edit' ? async () => await formBody(all, files) : async () => all,
		read: readAnswer,
		requests,
		warnings,
	};
}

/** A fresh multipart body for each attempt: streams cannot be sent twice. */
async function formBody(fields: IDataObject, files: FormFile[]): Promise<FormData> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined || value === null) continue;
		form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
	for (const { field, part } of files) {
		form.append(field, await part.open(), {
			filename: part.filename,
			contentType: part.contentType,
			knownLength: part.size,
		});
	}
	return form;
}

export const openAiImages: WireFormat = {
	id: 'openAiImages',
	forwardsGoogleIds: false,
	maxInputs: (facts, model, dialect) => dialect.maxImages[familyOf(facts, model)],
	build,
	// A gateway maps its own aliases: its 404 is shown as it is.
	modelGone: () => false,
	// Gateways charge their own prices.
	cost: () => undefined,
};
