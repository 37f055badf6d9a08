/**
 * What every wire format is: an adapter from the node's one call (prompt, input images, mask,
 * aspect ratio, resolution, image count, answer format, extra fields) to HTTP requests, and from
 * the answer back to the node's one answer shape (gatewayAnswer.ts). The pipeline (imageCall.ts)
 * and the transport never ask which format they hold.
 */
import type { GatewayAnswer } from '../gatewayAnswer';
import type { InputImages } from '../inputImages';
import type { CostEstimate } from '../models/cost';
import type { AspectRatio } from '../models/imageSizes';
import type { ModelFacts } from '../models/lookup';
import type { Dialect, Provider } from '../providers';
import type { CallScope, WireCall } from '../transport';

export type WireFormatId = 'openAiImages' | 'geminiGenerateContent' | 'chatCompletions';

/** One item's call, settled: inputs read, "Match First Input Image" turned into a ratio. */
export interface CallPlan {
	scope: CallScope;
	provider: Provider;
	baseUrl: string;
	/** The OpenAI Images field dialect (only that format reads it). */
	dialect: Dialect;
	inputs: InputImages;
	aspectRatio?: AspectRatio;
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
	/** The request(s) for one item; may do a route's own preparation (uploads) first. */
	build(plan: CallPlan): Promise<WireCall>;
	/** Whether a failed call's status and message say that the model does not exist (any more). */
	modelGone(status: number, message: string): boolean;
	/** One image's cost, where the route can tell it (undefined: no estimate). */
	cost(answer: GatewayAnswer, facts: ModelFacts, image: { width?: number; height?: number }): CostEstimate | undefined;
}
