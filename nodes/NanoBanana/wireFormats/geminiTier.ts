/**
 * Google's inference tiers on the Gemini API (the Service Tier option): the top-level
 * `serviceTier` field as `@google/genai` sends it, the tier that served the call as Google reports
 * it in the `x-gemini-service-tier` header, what is worth telling about it (a downgrade, no word
 * at all, a tier without one price), and a refusal of the tier named as such.
 */
import type { IDataObject } from 'n8n-workflow';

import type { GatewayAnswer } from '../answers/gatewayAnswer';
import type { CallScope } from '../callScope';
import { gatewayError } from '../errors';
import type { ServiceTier } from '../models/catalogue';
import { SERVICE_TIERS } from '../models/catalogue';
import { notice } from '../warnings';
import type { WireCall } from './wireFormat';
import { namingFailures } from './wireFormat';

const LABEL: Record<string, string> = { standard: 'Standard', flex: 'Flex', priority: 'Priority' };
const label = (tier: string) => LABEL[tier] ?? tier;

/** The tier the route sends: none for Standard (Google's default), nor where the route has no tier field. */
export function sentTier(scope: CallScope): ServiceTier | undefined {
	return scope.s.provider.gemini?.serviceTier === true ? scope.s.serviceTier : undefined;
}

/** The request's tier field. */
export function tierField(tier: ServiceTier | undefined): IDataObject {
	return tier ? { serviceTier: tier } : {};
}


function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	const text = Array.isArray(value) ? value[0] : value;
	return typeof text === 'string' && text.trim() !== '' ? text.trim().toLowerCase() : undefined;
}

/** The tier that served the answer, and what the item should be told about it. */
export function readServedTier(answer: GatewayAnswer, headers: Record<string, unknown>, asked: ServiceTier | undefined): GatewayAnswer {
	const served = headerOf(headers, 'x-gemini-service-tier');
	const notes = [...(answer.notes ?? [])];
	if (asked && !served) {
		notes.push(notice(`Google's answer did not say which tier served it (no x-gemini-service-tier header): serviceTier and cost assume the ${label(asked)} tier asked for.`));
	} else if (asked && served && served !== asked) {
		notes.push(notice(`Asked for the ${label(asked)} tier; Google served the call on ${label(served)}, and cost is priced at ${label(served)}.`));
	}
	const tier = served ?? asked;
	if (tier && tier in SERVICE_TIERS && SERVICE_TIERS[tier as ServiceTier].priceFactor === undefined) {
		notes.push(notice(`The ${label(tier)} tier costs 75 to 100% over the list price and Google publishes no single figure for it: cost is left out.`));
	}
	return { ...answer, ...(tier ? { serviceTier: tier } : {}), ...(notes.length > 0 ? { notes } : {}) };
}

/** A call on a tier the model or key does not take fails with an error that names the tier and what to change. */
export function namingRefusedTier(scope: CallScope, exchange: WireCall['exchange']): WireCall['exchange'] {
	const asked = sentTier(scope);
	if (!asked) return exchange;
	return namingFailures(exchange, (failure) => {
		if ((failure.status !== 400 && failure.status !== 403) || !/tier/i.test(failure.text)) return undefined;
		return gatewayError(
			scope,
			failure.status,
			`Google refused the ${label(asked)} service tier for ${scope.s.model}: ${failure.text}`,
			`Not every model or key takes every tier (Priority needs a paid tier 2 or 3 project). Set Options > Service Tier to Standard, or pick a model that takes ${label(asked)}.`,
		);
	});
}
