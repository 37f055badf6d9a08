/**
 * The node's parameters for one item, read and checked before any request is made.
 * Bad input is a NodeOperationError that names the item and the field.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AspectRatio, Resolution } from './models/imageSizes';
import { ASPECT_RATIOS, RESOLUTIONS } from './models/imageSizes';
import type { ModelFacts } from './models/lookup';
import { modelFacts } from './models/lookup';
import type { Provider, ProviderId } from './providers';
import { PROVIDERS, fixedSizeOf } from './providers';

export type Operation = 'generate' | 'edit';

export interface ItemSettings {
	itemIndex: number;
	provider: Provider;
	operation: Operation;
	/** The model ID to send (imageCall.ts swaps in a retired model's replacement). */
	model: string;
	/** What the catalogue knows of that model on this provider (nothing for an ID it does not know). */
	facts: ModelFacts;
	prompt: string;
	aspectRatio?: AspectRatio;
	/** Edit: the ratio of the table closest to the first input image's own shape. */
	matchInput: boolean;
	resolution?: Resolution;
	/** Ask the model for its words too (routes that can return text next to the image). */
	includeText: boolean;
	/** Edit: where the input images come from. */
	imageSource: 'binary' | 'url';
	imageProperties: string[];
	maskProperty?: string;
	/** Edit with `imageSource: 'url'`: the links, in order. */
	imageUrls: string[];
	maskUrl?: string;
	numberOfImages: number;
	responseFormat?: 'url' | 'b64_json';
	mediaResolution?: string;
	outputProperty: string;
	extraFields: IDataObject;
	/** Milliseconds to wait for one gateway answer. */
	timeoutMs: number;
	/** Further attempts after a retryable failure. */
	maxRetries: number;
	/** What to do when the model answers with words and no image. */
	onTextAnswer: 'error' | 'output';
}

export const DEFAULT_CONCURRENCY = 3;
export const MAX_CONCURRENCY = 20;

/** Requests in flight at once for the whole execution (read once, from the first item). */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const value = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
		throw itemError(ctx, 0, `"Concurrency" must be a whole number from 1 to ${MAX_CONCURRENCY}`);
	}
	return value;
}

/** Default time to wait for an answer: 4K images take 100 to 170 s (PROVIDERS.md). */
export function defaultTimeoutSeconds(resolution: Resolution | undefined, facts: ModelFacts, model: string): number {
	return resolution === '4K' || fixedSizeOf(facts, model) === '4K' ? 600 : 180;
}

export function itemError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

function parseExtraFields(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): IDataObject {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return {};
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw itemError(
				ctx,
				itemIndex,
				'"Extra Request Fields (JSON)" is not valid JSON',
				`${(error as Error).message}. Write a JSON object, for example {"user": "campaign-42"}.`,
			);
		}
	}
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw itemError(
			ctx,
			itemIndex,
			'"Extra Request Fields (JSON)" must be a JSON object',
			'Write an object of field names and values, for example {"user": "campaign-42"}.',
		);
	}
	return value as IDataObject;
}

function splitNames(value: string): string[] {
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

export function readSettings(ctx: IExecuteFunctions, itemIndex: number): ItemSettings {
	const providerId = ctx.getNodeParameter('provider', itemIndex) as ProviderId;
	const provider = PROVIDERS[providerId];
	if (!provider) {
		throw itemError(ctx, itemIndex, `Unknown provider "${String(providerId)}"`, `Choose one of: ${Object.keys(PROVIDERS).join(', ')}.`);
	}
	const operation = ctx.getNodeParameter('operation', itemIndex) as Operation;

	const model = String(ctx.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (model === '') {
		throw itemError(ctx, itemIndex, '"Model" is empty', 'Choose a model from the list or type its ID.');
	}

	const facts = modelFacts(provider, model);

	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (prompt.trim() === '') {
		throw itemError(ctx, itemIndex, '"Prompt" is empty', 'Describe the image to make, or for Edit what to change.');
	}

	const ratio = ctx.getNodeParameter('aspectRatio', itemIndex, 'auto') as string;
	const matchInput = ratio === 'matchInput';
	if (matchInput && operation !== 'edit') {
		throw itemError(ctx, itemIndex, '"Aspect Ratio" Match First Input Image works for Edit only', 'Generate has no input image: pick a ratio, or auto.');
	}
	if (ratio !== 'auto' && !matchInput && !(ASPECT_RATIOS as readonly string[]).includes(ratio)) {
		throw itemError(ctx, itemIndex, `"Aspect Ratio" ${ratio} is not supported`, `Use auto or one of ${ASPECT_RATIOS.join(', ')}.`);
	}
	const resolution = ctx.getNodeParameter('resolution', itemIndex, 'auto') as string;
	if (resolution !== 'auto' && !(RESOLUTIONS as readonly string[]).includes(resolution)) {
		throw itemError(ctx, itemIndex, `"Resolution" ${resolution} is not supported`, `Use auto or one of ${RESOLUTIONS.join(', ')}.`);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const numberOfImages = Number(options.numberOfImages ?? 1);
	if (!Number.isInteger(numberOfImages) || numberOfImages < 1 || numberOfImages > 10) {
		throw itemError(ctx, itemIndex, '"Number of Images" must be a whole number from 1 to 10');
	}
	const outputProperty = String(options.outputProperty ?? 'data').trim();
	if (outputProperty === '') {
		throw itemError(ctx, itemIndex, '"Output Binary Property" is empty', 'Name the binary property for the images, for example data.');
	}
	const responseFormat = (options.responseFormat ?? 'auto') as string;
	const mediaResolution = (options.mediaResolution ?? 'auto') as string;
	const timeoutSeconds = Number(options.timeout ?? 0);
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) {
		throw itemError(ctx, itemIndex, '"Timeout" must be a number of seconds (0 for automatic)');
	}

	const maxRetries = Number(options.maxRetries ?? 2);
	if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
		throw itemError(ctx, itemIndex, '"Max Retries" must be a whole number from 0 to 10');
	}
	const onTextAnswer = options.onTextAnswer === 'output' ? 'output' : 'error';

	const imageSource = operation === 'edit' && ctx.getNodeParameter('imageSource', itemIndex, 'binary') === 'url' ? 'url' : 'binary';
	const fromBinary = operation === 'edit' && imageSource === 'binary';
	const fromUrl = operation === 'edit' && imageSource === 'url';
	const imageProperties = fromBinary ? splitNames(ctx.getNodeParameter('imageProperties', itemIndex, 'data') as string) : [];
	const mask = fromBinary ? String(ctx.getNodeParameter('maskProperty', itemIndex, '') ?? '').trim() : '';
	const imageUrls = fromUrl ? splitLinks(ctx.getNodeParameter('imageUrls', itemIndex, '')) : [];
	const maskUrl = fromUrl ? String(ctx.getNodeParameter('maskUrl', itemIndex, '') ?? '').trim() : '';

	return {
		itemIndex,
		provider,
		operation,
		model,
		facts,
		prompt,
		aspectRatio: ratio === 'auto' || matchInput ? undefined : (ratio as AspectRatio),
		matchInput,
		includeText: options.includeText === true,
		resolution: resolution === 'auto' ? undefined : (resolution as Resolution),
		imageSource,
		imageProperties,
		maskProperty: mask === '' ? undefined : mask,
		imageUrls,
		maskUrl: maskUrl === '' ? undefined : maskUrl,
		numberOfImages,
		responseFormat: responseFormat === 'auto' ? undefined : (responseFormat as 'url' | 'b64_json'),
		mediaResolution: mediaResolution === 'auto' ? undefined : mediaResolution,
		outputProperty,
		extraFields: parseExtraFields(ctx, itemIndex, options.extraFields),
		maxRetries,
		onTextAnswer,
		timeoutMs:
			1000 *
			(timeoutSeconds > 0
				? timeoutSeconds
				: defaultTimeoutSeconds(resolution === 'auto' ? undefined : (resolution as Resolution), facts, model)),
	};
}
