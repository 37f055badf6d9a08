/**
 * Which of the node's settings a provider's route can take, derived from its description: the
 * wire formats it may speak (its own, or for a generic gateway any its credential's Endpoint
 * offers) and the field dialects it may use. The editor shows a setting only for the providers
 * that can take it (ui/description.ts); no list of provider IDs is written by hand.
 */
import type { DialectId } from '../wireFormats/openAiDialects';
import { DIALECTS } from '../wireFormats/openAiDialects';
import type { WireFormatId } from '../wireFormats/wireFormatId';
import type { Provider, ProviderId } from './providers';
import { PROVIDERS, PROVIDER_IDS } from './providers';

/** The formats a generic gateway's credential can pick under "Endpoint". */
const ENDPOINT_FORMATS: WireFormatId[] = ['openAiImages', 'chatCompletions'];

export const formatsOf = (p: Provider): WireFormatId[] => (p.wireFormat ? [p.wireFormat] : ENDPOINT_FORMATS);
export const dialectsOf = (p: Provider): DialectId[] => (p.dialect ? [p.dialect] : (Object.keys(DIALECTS) as DialectId[]));

const CAPABILITIES = {
	/** A mask file: the OpenAI Images format, in a dialect with a mask field. */
	mask: (p: Provider) => formatsOf(p).includes('openAiImages') && dialectsOf(p).some((d) => DIALECTS[d].maskField !== undefined),
	/** The answer format (`url` or `b64_json`): asked for on the OpenAI Images format (a dialect without it says so in a warning). */
	responseFormat: (p: Provider) => formatsOf(p).includes('openAiImages'),
	/** The output image's MIME type and JPEG quality: Vertex AI's `imageOutputOptions`. */
	outputOptions: (p: Provider) => p.gemini?.outputOptions === true,
	/** Google's inference tiers (Standard, Flex, Priority). */
	serviceTier: (p: Provider) => p.gemini?.serviceTier === true,
	/** Batch mode: Submit, Get and Cancel Batch. */
	batch: (p: Provider) => p.gemini?.batch === true,
	/** Google's generateContent options: thinking, Google Search grounding (Gemini API and Vertex AI). */
	geminiOptions: (p: Provider) => p.gemini !== undefined,
	/** Do Not Store Requests: `store: false` (Gemini API only). */
	storeOptOut: (p: Provider) => p.gemini?.storeOptOut === true,
	/** A conversation to continue: earlier turns' images kept in the Files API (Gemini API only). */
	conversation: (p: Provider) => p.gemini?.filesApi === true,
} satisfies Record<string, (p: Provider) => boolean>;

export type Capability = keyof typeof CAPABILITIES;

export function providersWith(capability: Capability): ProviderId[] {
	return PROVIDER_IDS.filter((id) => CAPABILITIES[capability](PROVIDERS[id]));
}

export function providersWithout(capability: Capability): ProviderId[] {
	return PROVIDER_IDS.filter((id) => !CAPABILITIES[capability](PROVIDERS[id]));
}

/** The input image limits of the providers whose dialect fixes them ("V-API (gpt.ge) up to 6; ..."). */
export function gatewayInputLimits(): string {
	return PROVIDER_IDS.map((id) => PROVIDERS[id])
		.filter((p) => p.dialect !== undefined)
		.map((p) => {
			const { flash, pro } = DIALECTS[p.dialect as DialectId].maxImages;
			return flash === pro ? `${p.displayName} up to ${flash}` : `${p.displayName} up to ${flash} (flash models) or ${pro} (pro models)`;
		})
		.join('; ');
}
