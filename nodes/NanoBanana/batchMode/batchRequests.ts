/**
 * Submit Batch's requests: each input item read and checked as Generate or Edit would (its
 * settings, the model to send, its inputs, "Match First Input Image"), then built into the
 * generateContent request its call would send, one per image asked for, each keyed by the item's
 * index (`"3"`, or `"3-0"`, `"3-1"` ... for several images). Nothing is sent here but the uploads
 * of inputs too large to go inline; each request's body is built when the job's body is written.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { checkAnswer } from '../answers/answerCheck';
import type { CallScope } from '../callScope';
import { matchedRatio, prepareCall } from '../imageCall';
import { readSettings } from '../settings/readSettings';
import type { RequestGate } from '../transport/requestGate';
import { exchangeSteps } from '../transport/send';
import type { Warning } from '../warnings';
import { generateContentRequest } from '../wireFormats/geminiGenerateContent';
import { mergeFields } from '../wireFormats/geminiImageConfig';

export interface BatchRequest {
	key: string;
	itemIndex: number;
	/** The model it is for: one job, one model. */
	model: string;
	/** The bytes `build` makes, told before any image is read. */
	size: number;
	/** The request's JSON, images encoded into it from where n8n keeps them. */
	build(): Promise<Buffer>;
}

export interface ItemRequests {
	requests: BatchRequest[];
	/** The item's scope with its route open and the model to send: the job's calls go through the first item's. */
	scope: CallScope;
	warnings: Warning[];
	/** What a request costs at list price, where the catalogue knows (the item's model and size). */
	listPrice?: number;
	priced?: string;
}

/** The key of one request: the item's index, and which of its images when it asks for several. */
export const requestKey = (itemIndex: number, image: number, images: number): string => (images === 1 ? String(itemIndex) : `${itemIndex}-${image}`);

/** The item's index a key names (`"3"`, `"3-1"`). */
export const itemOfKey = (key: string): number | undefined => (/^\d+(-\d+)?$/.test(key) ? Number(key.split('-')[0]) : undefined);

export async function itemRequests(ctx: IExecuteFunctions, itemIndex: number, gate: RequestGate): Promise<ItemRequests> {
	const { scope, route, inputs, choice } = await prepareCall({ ctx, s: readSettings(ctx, itemIndex), gate: gate.forItem(itemIndex) });
	const { s } = scope;
	const warnings: Warning[] = [...choice.warnings];
	const aspectRatio = s.matchInput ? matchedRatio(scope, inputs, warnings) : s.aspectRatio;
	const { baseUrl, dialect } = route.connection;
	const request = await generateContentRequest({ scope, provider: s.provider, baseUrl, dialect, inputs, aspectRatio, steps: exchangeSteps(scope, checkAnswer) });
	warnings.push(...request.warnings);
	const template = mergeFields(request.template, s.extraFields);
	const size = request.slots.size(template);
	const requests = Array.from({ length: s.numberOfImages }, (_, image) => ({
		key: requestKey(itemIndex, image, s.numberOfImages),
		itemIndex,
		model: s.model,
		size,
		build: async () => await request.slots.build(template),
	}));
	const price = s.facts.record?.price;
	// The size asked for, else the models' usual 1K.
	const listPrice = price?.perImage[s.resolution ?? '1K'];
	return { requests, scope, warnings, listPrice, priced: listPrice === undefined ? undefined : s.facts.record?.checked.date };
}
