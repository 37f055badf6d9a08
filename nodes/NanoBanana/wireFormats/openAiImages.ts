/**
 * The OpenAI Images wire format: `POST {base}/v1/images/generations` (JSON) and
 * `POST {base}/v1/images/edits` (multipart), answered with `{"data": [{"url"} | {"b64_json"}]}`.
 * The provider's field dialect (providers.ts) says how each gateway spells ratio, resolution,
 * count, answer format and the image parts.
 */
import FormData from 'form-data';
import type { IDataObject } from 'n8n-workflow';

import type { FilePart } from '../inputs/inputParts';
import { fixedSizeOf } from '../models/lookup';
import { familyOf } from './openAiDialects';
import type { Warning } from '../warnings';
import { unsupported } from '../warnings';
import { readOpenAiImagesAnswer } from './openAiImagesAnswer';
import type { CallPlan, WireCall, WireFormat } from './wireFormat';
import { singlePost } from './wireFormat';

/** One multipart file: the part and the field the dialect names it by. */
interface FormFile {
	field: string;
	part: FilePart;
}

/** The request's fields in the dialect's names, and the settings it has no name for. */
function fieldsFor({ scope, provider, dialect, aspectRatio }: CallPlan, warnings: Warning[]): { fields: IDataObject; requests: number } {
	const { s } = scope;
	const size = dialect.mapSize({ model: s.model, family: familyOf(s.facts, s.model), fixedSize: fixedSizeOf(s.facts, s.model), aspectRatio, resolution: s.resolution });
	warnings.push(...size.warnings);
	const fields: IDataObject = { model: s.model, prompt: s.prompt, ...size.fields };
	let requests = 1;
	if (s.numberOfImages > 1) {
		if (dialect.countField) fields[dialect.countField] = s.numberOfImages;
		else requests = s.numberOfImages;
	}
	if (s.responseFormat) {
		if (dialect.responseFormatField) fields[dialect.responseFormatField] = s.responseFormat;
		else warnings.push(unsupported('responseFormat', `Response format "${s.responseFormat}" was not sent: ${provider.displayName} (${dialect.displayName}) has no such setting and picks the format itself.`));
	}
	if (s.mediaResolution) {
		if (dialect.mediaResolutionField) fields[dialect.mediaResolutionField] = s.mediaResolution;
		else warnings.push(unsupported('mediaResolution', `Input media resolution was not sent: ${dialect.displayName} gateways have no such setting.`));
	}
	if (s.includeText) warnings.push(unsupported('includeText', '"Include the Model\'s Text" has no effect here: the OpenAI Images endpoint returns images only.'));
	return { fields: { ...fields, ...s.extraFields }, requests };
}

/** The edit's files under the dialect's field names, in order; a mask the dialect has no field for is a warning. */
function filesFor({ provider, dialect, inputs }: CallPlan, warnings: Warning[]): FormFile[] {
	const field = dialect.imageField(inputs.images.length);
	const files: FormFile[] = inputs.images.map((part) => ({ field, part }));
	if (inputs.mask) {
		if (dialect.maskField) files.push({ field: dialect.maskField, part: inputs.mask });
		else warnings.push(unsupported('mask', `The mask was not sent: ${provider.displayName} (${dialect.displayName}) takes no mask.`));
	}
	return files;
}

async function build(plan: CallPlan): Promise<WireCall> {
	const { scope, provider, baseUrl, dialect } = plan;
	const edit = scope.s.operation === 'edit';
	const warnings: Warning[] = [];
	const { fields, requests } = fieldsFor(plan, warnings);
	const files = filesFor(plan, warnings);
	const url = `${baseUrl}/v1/images/${edit ? 'edits' : 'generations'}`;
	// Generate sends JSON; Edit multipart, built afresh for each attempt.
	const body = edit ? async () => await formBody(fields, files) : async () => fields;
	return { exchange: singlePost(url, { ...provider.headers, ...dialect.headers }, body, readOpenAiImagesAnswer), requests, warnings };
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
