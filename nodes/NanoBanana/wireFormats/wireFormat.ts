/**
 * What every wire format is: an adapter from the node's one call (prompt, input images, mask,
 * aspect ratio, resolution, image count, answer format, extra fields) to the provider's requests,
 * and from its answers back to the node's one answer shape (answers/gatewayAnswer.ts). A call is
 * an exchange of steps through the one retry loop and the gate: one POST whose answer holds the
 * image on every route today; submit, poll and collect where a route works that way. The
 * pipeline (imageCall.ts) and the transport never ask which format they hold.
 */
import type { NodeApiError } from 'n8n-workflow';

import type { GatewayAnswer } from '../answers/gatewayAnswer';
import { failureOf } from '../errors';
import type { CallScope } from '../callScope';
import type { InputImages } from '../inputs/inputParts';
import type { CostEstimate } from '../models/cost';
import type { AspectRatio } from '../models/imageSizes';
import type { ModelFacts } from '../models/lookup';
import type { Provider } from '../route/providers';
import type { ProviderRequest, ProviderResponse, RequestBody } from '../transport/httpAttempt';
import type { Warning } from '../warnings';
import type { Dialect } from './openAiDialects';
import type { WireFormatId } from './wireFormatId';

export type { WireFormatId };

/** A route's reading of an answer: its JSON, and the response's headers (Google's served tier). */
export type AnswerReader = (json: unknown, headers: Record<string, unknown>) => GatewayAnswer;

/**
 * The steps an exchange is made of. Each request is built afresh for every attempt (a stream
 * cannot be sent twice). An answer without images is an error only where `answer` reads it; a
 * poll's "not yet" is the exchange's own state, read from `request`'s response.
 */
export interface ExchangeSteps {
	/** One request (an upload, a submit, a poll), through the retry loop and the gate. */
	request(build: () => Promise<ProviderRequest>): Promise<ProviderResponse>;
	/** One request whose JSON answer holds the images: read, checked, and sent again while the check says so. */
	answer(build: () => Promise<ProviderRequest>, read: AnswerReader): Promise<GatewayAnswer>;
	/** A pause between polls that ends at once when the execution is stopped. */
	wait(ms: number): Promise<void>;
}

/** One item's call, built by a wire format. */
export interface WireCall {
	/** How many exchanges to run for the images asked for (one per image where the route has no count). */
	requests: number;
	/** Settings this route cannot honour, for `json.warnings`. */
	warnings: Warning[];
	/** One exchange: the images of one request. */
	exchange(steps: ExchangeSteps): Promise<GatewayAnswer>;
}

/** The exchange of every route today: one POST to the provider whose answer holds the image. */
export function singlePost(url: string, headers: Record<string, string>, body: () => Promise<RequestBody>, read: AnswerReader): WireCall['exchange'] {
	return async (steps) => await steps.answer(async () => ({ method: 'POST', url, headers, body: await body(), authenticated: true }), read);
}

/**
 * An exchange whose provider failures `rename` may turn into an error that says more (a refused
 * tier, expired files); every other error goes on as it is.
 */
export function namingFailures(exchange: WireCall['exchange'], rename: (failure: { status: number; text: string }) => NodeApiError | undefined): WireCall['exchange'] {
	return async (steps) => {
		try {
			return await exchange(steps);
		} catch (error) {
			const failure = failureOf(error);
			const renamed = failure ? rename(failure) : undefined;
			if (renamed) throw renamed;
			// Already the item's NodeApiError, or n8n's cancellation: as it is.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
	};
}

/** One item's call, settled: inputs read, "Match First Input Image" turned into a ratio. */
export interface CallPlan {
	scope: CallScope;
	provider: Provider;
	baseUrl: string;
	/** The OpenAI Images field dialect (only that format reads it). */
	dialect: Dialect;
	inputs: InputImages;
	aspectRatio?: AspectRatio;
	/** For a route's own preparation before the call (uploads), through the retry loop and the gate. */
	steps: ExchangeSteps;
}

export interface WireFormat {
	id: WireFormatId;
	/**
	 * Whether the route passes Google's model IDs through (Google's API, OpenRouter's slugs, a
	 * gateway's chat endpoint): a retired ID is then sent as its replacement (models/modelChoice.ts).
	 */
	forwardsGoogleIds: boolean;
	/** Most input images the route takes for a model; undefined: no limit known, send them all. */
	maxInputs(facts: ModelFacts, model: string, dialect: Dialect): number | undefined;
	/** The item's call; may do a route's own preparation (uploads) first. */
	build(plan: CallPlan): Promise<WireCall>;
	/** Whether a failed call's status and message say that the model does not exist (any more). */
	modelGone(status: number, message: string): boolean;
	/** One image's cost, where the route can tell it (undefined: no estimate). */
	cost(answer: GatewayAnswer, facts: ModelFacts, image: { width?: number; height?: number }): CostEstimate | undefined;
	/** A retry delay the provider writes into a failed answer's body (Google's RetryInfo), where it does. */
	retryDelay?(body: Buffer): number | undefined;
}
