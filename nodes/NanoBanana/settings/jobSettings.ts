/**
 * The settings of Get Batch and Cancel Batch, which name a job instead of making a request: the
 * provider, how to call it (retries, timeout) and how to make items of the job's results (output
 * property, text-only answers). The model is the job's own, set once its answer names it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { modelFacts } from '../models/lookup';
import type { ProviderId } from '../route/providers';
import { PROVIDERS } from '../route/providers';
import { itemError } from '../errors';
import type { ItemSettings } from './itemSettings';
import { DEFAULT_FIRST_BACKOFF_MS, readOptions } from './readSettings';

/** How long one of a job's calls may take unless Timeout says otherwise: they are small, but a results file can be large. */
const JOB_CALL_TIMEOUT_SECONDS = 300;

export function readJobSettings(ctx: IExecuteFunctions, itemIndex: number): ItemSettings {
	const providerId = ctx.getNodeParameter('provider', itemIndex) as ProviderId;
	const provider = PROVIDERS[providerId];
	if (!provider) throw itemError(ctx, itemIndex, `Unknown provider "${String(providerId)}"`);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeout = Number(options.timeout ?? 0);
	if (!Number.isFinite(timeout) || timeout < 0) throw itemError(ctx, itemIndex, '"Timeout" must be a number of seconds (0 for automatic)');
	return {
		itemIndex,
		provider,
		operation: 'generate',
		model: '',
		facts: modelFacts(provider, ''),
		prompt: '',
		matchInput: false,
		imageSource: 'binary',
		imageProperties: [],
		imageUrls: [],
		allowedLinkHosts: [],
		continueConversation: false,
		...readOptions(ctx, itemIndex, options),
		firstBackoffMs: DEFAULT_FIRST_BACKOFF_MS,
		timeoutMs: 1000 * (timeout > 0 ? timeout : JOB_CALL_TIMEOUT_SECONDS),
	};
}

/** The settings with the job's model, for its results' items (cost, model in json). */
export function withJobModel(s: ItemSettings, model: string | undefined): ItemSettings {
	return model ? { ...s, model, facts: modelFacts(s.provider, model) } : s;
}
