/**
 * What an image cost, as an estimate: on Google's own routes from the answer's image-output tokens
 * times the catalogue's per-token list price, else from its per-image list price for the model
 * and the size that came back; where a route reports the cost itself (OpenRouter's `usage.cost`),
 * that figure. No price, no estimate: never a guess. Gateways charge their own prices.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CatalogueModel, ServiceTier } from './catalogue';
import { SERVICE_TIERS } from './catalogue';
import { sizeClassOf } from './imageSizes';

export interface CostEstimate extends IDataObject {
	usd: number;
	/** `imageTokens` (tokens x per-token price), `perImage` (list price per image), `reported` (the route's own figure). */
	basis: 'imageTokens' | 'perImage' | 'reported';
	/** The date of the price (the catalogue's check, or the answer's day for a reported cost). */
	priced: string;
	/** The share of the list price it was priced at, when not the whole: the Flex tier's, batch mode's. */
	priceFactor?: number;
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** Image-output tokens in Gemini's usageMetadata (`candidatesTokensDetails` by modality). */
function imageTokens(usage: IDataObject | undefined): number | undefined {
	const details = usage?.candidatesTokensDetails;
	if (!Array.isArray(details)) return undefined;
	const entry = details.find((d) => typeof d === 'object' && d !== null && (d as IDataObject).modality === 'IMAGE') as IDataObject | undefined;
	return typeof entry?.tokenCount === 'number' ? entry.tokenCount : undefined;
}

/** One image's share of a Gemini answer, priced from the catalogue. */
export function catalogueCost(
	record: CatalogueModel | undefined,
	usage: IDataObject | undefined,
	image: { width?: number; height?: number },
	imagesInAnswer: number,
): CostEstimate | undefined {
	const price = record?.price;
	if (!record || !price) return undefined;
	const tokens = imageTokens(usage);
	if (tokens !== undefined && price.perMillionImageTokens !== undefined) {
		return { usd: round(((tokens / Math.max(1, imagesInAnswer)) * price.perMillionImageTokens) / 1e6), basis: 'imageTokens', priced: record.checked.date };
	}
	if (!image.width || !image.height) return undefined;
	const perImage = price.perImage[sizeClassOf(image.width, image.height)];
	return perImage === undefined ? undefined : { usd: perImage, basis: 'perImage', priced: record.checked.date };
}

/** One image's share of the cost a route reports in `usage.cost` (OpenRouter, in US dollars). */
export function reportedCost(usage: IDataObject | undefined, imagesInAnswer: number): CostEstimate | undefined {
	const cost = usage?.cost;
	if (typeof cost !== 'number' || !Number.isFinite(cost)) return undefined;
	return { usd: round(cost / Math.max(1, imagesInAnswer)), basis: 'reported', priced: new Date().toISOString().slice(0, 10) };
}

/** A cost at a share of the list price (batch mode, the Flex tier); none when there is no list cost. */
export function scaled(cost: CostEstimate | undefined, factor: number): CostEstimate | undefined {
	if (!cost || factor === 1) return cost;
	return { ...cost, usd: round(cost.usd * factor), priceFactor: factor };
}

/** A list cost at the tier that served the call; none for a tier without one published price (Priority). */
export function atTier(cost: CostEstimate | undefined, tier: string | undefined): CostEstimate | undefined {
	if (!tier || !(tier in SERVICE_TIERS)) return cost;
	const factor = SERVICE_TIERS[tier as ServiceTier].priceFactor;
	return factor === undefined ? undefined : scaled(cost, factor);
}
