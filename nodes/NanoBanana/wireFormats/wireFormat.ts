/**
 * What every wire format is: an adapter from the node's one call (prompt, input images, mask,
 * aspect ratio, resolution, image count, answer format, extra fields) to HTTP requests, and from
 * the answer back to the node's one answer shape (gatewayAnswer.ts). The pipeline (imageCall.ts)
 * and the transport never ask which format they hold.
 */
import type { InputImages } from '../inputImages';
import type { AspectRatio, Dialect, Provider } from '../providers';
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
	/** Most input images the route takes for a model. */
	maxInputs(model: string, dialect: Dialect): number;
	/** The request(s) for one item; may do a route's own preparation (uploads) first. */
	build(plan: CallPlan): Promise<WireCall>;
}
