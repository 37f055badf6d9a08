/**
 * One item's settings, read and checked before any request is made (readSettings.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ServiceTier } from '../models/catalogue';
import type { AspectRatio, Resolution } from '../models/imageSizes';
import type { ModelFacts } from '../models/lookup';
import type { Provider } from '../route/providers';

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
	/** Edit with links: the hosts links may point at (and redirect to); empty: any host. */
	allowedLinkHosts: string[];
	numberOfImages: number;
	responseFormat?: 'url' | 'b64_json';
	mediaResolution?: string;
	/** The output image's MIME type, on routes that take it (Vertex AI); undefined: the model's own. */
	outputMimeType?: string;
	/** JPEG output's quality, 0 to 100, when set: sent with `outputMimeType` JPEG only (else a warning). */
	jpegQuality?: number;
	outputProperty: string;
	extraFields: IDataObject;
	/** Google's inference tier, when one other than Standard is asked for (sent where the route takes it). */
	serviceTier?: ServiceTier;
	/** The first wait before a failed provider call is sent again (later waits double from it). */
	firstBackoffMs: number;
	/** Gemini's thinking level (`thinkingConfig.thinkingLevel`), when one is asked for. */
	thinkingLevel?: string;
	/** Output the model's interim (thought) images too, flagged `json.thought`. */
	includeThoughts: boolean;
	/** Ground the image in Google Search (the `googleSearch` tool). */
	googleSearch: boolean;
	/** Send Google's opt-out of request storage (`store: false`). */
	doNotStore: boolean;
	/** Keep the conversation in `json.conversation` (its images in the Files API) for follow-up edits. */
	keepConversation: boolean;
	/** Edit: go on from the input item's `json.conversation`. */
	continueConversation: boolean;
	/** Milliseconds to wait for one gateway answer. */
	timeoutMs: number;
	/** Further attempts after a retryable failure. */
	maxRetries: number;
	/** What to do when the model answers with words and no image. */
	onTextAnswer: 'error' | 'output';
}
