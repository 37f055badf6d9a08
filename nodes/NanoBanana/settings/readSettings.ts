/**
 * The node's parameters for one item, read and checked before any request is made, one concern
 * at a time: the route and model, the prompt, the image's shape, the options, Edit's inputs. Bad
 * input is a NodeOperationError that names the item and the field.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ServiceTier } from '../models/catalogue';
import { SERVICE_TIERS } from '../models/catalogue';
import type { AspectRatio, Resolution } from '../models/imageSizes';
import { ASPECT_RATIOS, RESOLUTIONS } from '../models/imageSizes';
import type { ModelFacts } from '../models/lookup';
import { fixedSizeOf, modelFacts } from '../models/lookup';
import type { ProviderId } from '../route/providers';
import { PROVIDERS } from '../route/providers';
import { itemError } from '../errors';
import { readLinkHosts } from '../inputs/linkHosts';
import { parseExtraFields, splitLinks, splitNames } from './fields';
import type { ItemSettings, Operation } from './itemSettings';

/** Versions 1 and 2: a fixed Concurrency, 3 unless set, at most 20. */
export const DEFAULT_CONCURRENCY = 3;
export const MAX_CONCURRENCY = 20;
/** From version 3: 0 (and no value) is Auto; a fixed number may go up to 100. */
export const MAX_FIXED_CONCURRENCY = 100;

/** Requests in flight at once for the whole execution (read once, from the first item): a number, or Auto. */
export function readConcurrency(ctx: IExecuteFunctions): number | 'auto' {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const auto = ctx.getNode().typeVersion >= 3;
	const value = Number(options.concurrency ?? (auto ? 0 : DEFAULT_CONCURRENCY));
	if (auto && value === 0) return 'auto';
	const [min, max] = auto ? [0, MAX_FIXED_CONCURRENCY] : [1, MAX_CONCURRENCY];
	if (!Number.isInteger(value) || value < min || value > max) {
		throw itemError(ctx, 0, `"Concurrency" must be a whole number from ${min} to ${max}${auto ? ' (0 is Auto)' : ''}`);
	}
	return value;
}

/** Default time to wait for an answer: 4K images take 100 to 170 s (PROVIDERS.md). */
export function defaultTimeoutSeconds(resolution: Resolution | undefined, facts: ModelFacts, model: string): number {
	return resolution === '4K' || fixedSizeOf(facts, model) === '4K' ? 600 : 180;
}

type Part<K extends keyof ItemSettings> = Pick<ItemSettings, K>;

/** What the item's request does: the operation, or for Submit Batch what its requests are ("Requests"). */
function requestOperation(ctx: IExecuteFunctions, itemIndex: number): Operation {
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	if (operation !== 'submitBatch') return operation as Operation;
	return ctx.getNodeParameter('batchOf', itemIndex, 'generate') === 'edit' ? 'edit' : 'generate';
}

function readModel(ctx: IExecuteFunctions, itemIndex: number): Part<'provider' | 'operation' | 'model' | 'facts' | 'prompt'> {
	const providerId = ctx.getNodeParameter('provider', itemIndex) as ProviderId;
	const provider = PROVIDERS[providerId];
	if (!provider) {
		throw itemError(ctx, itemIndex, `Unknown provider "${String(providerId)}"`, `Choose one of: ${Object.keys(PROVIDERS).join(', ')}.`);
	}
	const operation = requestOperation(ctx, itemIndex);
	const model = String(ctx.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (model === '') throw itemError(ctx, itemIndex, '"Model" is empty', 'Choose a model from the list or type its ID.');
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (prompt.trim() === '') throw itemError(ctx, itemIndex, '"Prompt" is empty', 'Describe the image to make, or for Edit what to change.');
	return { provider, operation, model, facts: modelFacts(provider, model), prompt };
}

function readShape(ctx: IExecuteFunctions, itemIndex: number, operation: Operation): Part<'aspectRatio' | 'matchInput' | 'resolution'> {
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
	return {
		aspectRatio: ratio === 'auto' || matchInput ? undefined : (ratio as AspectRatio),
		matchInput,
		resolution: resolution === 'auto' ? undefined : (resolution as Resolution),
	};
}

/** A whole number option within its bounds, or the item's error naming it. */
function wholeNumber(ctx: IExecuteFunctions, itemIndex: number, value: unknown, name: string, min: number, max: number): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) throw itemError(ctx, itemIndex, `"${name}" must be a whole number from ${min} to ${max}`);
	return n;
}

type OptionKeys = 'numberOfImages' | 'outputProperty' | 'responseFormat' | 'mediaResolution' | 'includeText' | 'extraFields' | 'maxRetries' | 'onTextAnswer' | 'outputMimeType' | 'jpegQuality' | 'thinkingLevel' | 'includeThoughts' | 'googleSearch' | 'doNotStore' | 'keepConversation';

const THINKING_LEVELS = ['minimal', 'low', 'medium', 'high'];

export function readOptions(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): Part<OptionKeys> {
	const outputProperty = String(options.outputProperty ?? 'data').trim();
	if (outputProperty === '') {
		throw itemError(ctx, itemIndex, '"Output Binary Property" is empty', 'Name the binary property for the images, for example data.');
	}
	const responseFormat = (options.responseFormat ?? 'auto') as string;
	const mediaResolution = (options.mediaResolution ?? 'auto') as string;
	const outputMimeType = String(options.outputMimeType ?? 'auto');
	if (outputMimeType !== 'auto' && outputMimeType !== 'image/png' && outputMimeType !== 'image/jpeg') {
		throw itemError(ctx, itemIndex, `"Output Format" must be Auto, PNG or JPEG, not "${outputMimeType}"`);
	}
	return {
		outputMimeType: outputMimeType === 'auto' ? undefined : outputMimeType,
		jpegQuality: options.jpegQuality !== undefined ? wholeNumber(ctx, itemIndex, options.jpegQuality, 'JPEG Quality', 0, 100) : undefined,
		numberOfImages: wholeNumber(ctx, itemIndex, options.numberOfImages ?? 1, 'Number of Images', 1, 10),
		outputProperty,
		responseFormat: responseFormat === 'auto' ? undefined : (responseFormat as 'url' | 'b64_json'),
		mediaResolution: mediaResolution === 'auto' ? undefined : mediaResolution,
		includeText: options.includeText === true,
		extraFields: parseExtraFields(ctx, itemIndex, options.extraFields),
		maxRetries: wholeNumber(ctx, itemIndex, options.maxRetries ?? 2, 'Max Retries', 0, 10),
		onTextAnswer: options.onTextAnswer === 'output' ? 'output' : 'error',
		...readGeminiOptions(ctx, itemIndex, options),
	};
}

/** Google's generateContent options (thinking, grounding, storage, the conversation); other routes never show them. */
function readGeminiOptions(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): Part<'thinkingLevel' | 'includeThoughts' | 'googleSearch' | 'doNotStore' | 'keepConversation'> {
	const level = String(options.thinkingLevel ?? 'auto');
	if (level !== 'auto' && !THINKING_LEVELS.includes(level)) throw itemError(ctx, itemIndex, `"Thinking Level" must be Auto or one of ${THINKING_LEVELS.join(', ')}, not "${level}"`);
	return {
		thinkingLevel: level === 'auto' ? undefined : level,
		includeThoughts: options.includeThoughts === true,
		googleSearch: options.googleSearch === true,
		doNotStore: options.doNotStore === true,
		keepConversation: options.keepConversation === true,
	};
}

/** The service tier (Google's routes): Standard is Google's own default and is not sent. */
function readTier(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, provider: ItemSettings['provider']): Part<'serviceTier' | 'firstBackoffMs'> & { minTimeoutSeconds: number } {
	const tier = String(options.serviceTier ?? 'standard');
	if (!(tier in SERVICE_TIERS)) throw itemError(ctx, itemIndex, `"Service Tier" must be Standard, Flex or Priority, not "${tier}"`);
	const serviceTier = tier === 'standard' ? undefined : (tier as ServiceTier);
	// The tier's waits only where the route sends the tier (elsewhere the pipeline warns that it was not sent).
	const sent = serviceTier && provider.gemini?.serviceTier === true ? SERVICE_TIERS[serviceTier] : undefined;
	return { serviceTier, firstBackoffMs: sent?.firstBackoffMs ?? DEFAULT_FIRST_BACKOFF_MS, minTimeoutSeconds: sent?.minTimeoutSeconds ?? 0 };
}

/** The first wait before a retry, on every route but a slow tier's. */
export const DEFAULT_FIRST_BACKOFF_MS = 1000;

function readTimeout(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, s: Part<'resolution' | 'facts' | 'model'> & { minTimeoutSeconds: number }): number {
	const seconds = Number(options.timeout ?? 0);
	if (!Number.isFinite(seconds) || seconds < 0) throw itemError(ctx, itemIndex, '"Timeout" must be a number of seconds (0 for automatic)');
	return 1000 * Math.max(s.minTimeoutSeconds, seconds > 0 ? seconds : defaultTimeoutSeconds(s.resolution, s.facts, s.model));
}

function readEditInputs(ctx: IExecuteFunctions, itemIndex: number, operation: Operation, options: IDataObject): Part<'imageSource' | 'imageProperties' | 'maskProperty' | 'imageUrls' | 'maskUrl' | 'allowedLinkHosts' | 'continueConversation'> {
	const imageSource = operation === 'edit' && ctx.getNodeParameter('imageSource', itemIndex, 'binary') === 'url' ? 'url' : 'binary';
	const fromBinary = operation === 'edit' && imageSource === 'binary';
	const fromUrl = operation === 'edit' && imageSource === 'url';
	const mask = fromBinary ? String(ctx.getNodeParameter('maskProperty', itemIndex, '') ?? '').trim() : '';
	const maskUrl = fromUrl ? String(ctx.getNodeParameter('maskUrl', itemIndex, '') ?? '').trim() : '';
	return {
		imageSource,
		imageProperties: fromBinary ? splitNames(ctx.getNodeParameter('imageProperties', itemIndex, 'data') as string) : [],
		maskProperty: mask === '' ? undefined : mask,
		imageUrls: fromUrl ? splitLinks(ctx.getNodeParameter('imageUrls', itemIndex, '')) : [],
		maskUrl: maskUrl === '' ? undefined : maskUrl,
		allowedLinkHosts: fromUrl ? readLinkHosts(ctx, itemIndex, options.allowedLinkHosts) : [],
		continueConversation: operation === 'edit' && ctx.getNodeParameter('continueConversation', itemIndex, false) === true,
	};
}

export function readSettings(ctx: IExecuteFunctions, itemIndex: number): ItemSettings {
	const route = readModel(ctx, itemIndex);
	const shape = readShape(ctx, itemIndex, route.operation);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const chosen = readOptions(ctx, itemIndex, options);
	const { minTimeoutSeconds, ...tier } = readTier(ctx, itemIndex, options, route.provider);
	const timeoutMs = readTimeout(ctx, itemIndex, options, { ...route, ...shape, minTimeoutSeconds });
	return { itemIndex, ...route, ...shape, ...chosen, ...tier, timeoutMs, ...readEditInputs(ctx, itemIndex, route.operation, options) };
}
