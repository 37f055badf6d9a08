/**
 * Why a model ended without an image, in Google's words (Gemini's `finishReason` and
 * `promptFeedback.blockReason`, which OpenRouter passes on as `native_finish_reason`), and what a
 * user can do about each. A block (safety, recitation, personal data) is an error that another
 * attempt would only repeat; any other ending is the model stopping early, and the words it said
 * before stopping are its answer (an "On Text-Only Answer" case).
 * Source: the FinishReason and BlockedReason enums of @google/genai 2.32 (test/reference holds
 * every value of both to an entry here).
 */

export type FinishKind = 'block' | 'stop';

interface FinishReasonFacts {
	kind: FinishKind;
	hint: string;
}

const SAFETY_HINT = "The provider's safety filters stopped this image. Reword the prompt or change the input images; running it again as it is gets the same answer.";
const PROHIBITED_HINT = 'The prompt or an input image asks for content the provider never makes (its prohibited-use policy). Change the request; running it again gets the same answer.';
const RECITATION_HINT = 'The image would have been too close to existing work (a known picture, logo or character). Reword the prompt, or change the input images.';
const PLAIN_ASK = 'Ask plainly for a picture in the prompt (for example "Generate an image of ..."), or run again: this ending is often not repeated.';

export const FINISH_REASONS: Record<string, FinishReasonFacts> = {
	STOP: { kind: 'stop', hint: `The model finished with words only. ${PLAIN_ASK}` },
	FINISH_REASON_UNSPECIFIED: { kind: 'stop', hint: `The model ended without saying why. ${PLAIN_ASK}` },
	MAX_TOKENS: { kind: 'stop', hint: 'The model reached its output limit before the image. Shorten the prompt, or remove a "maxOutputTokens" set in Extra Request Fields.' },
	SAFETY: { kind: 'block', hint: SAFETY_HINT },
	IMAGE_SAFETY: { kind: 'block', hint: SAFETY_HINT },
	PROHIBITED_CONTENT: { kind: 'block', hint: PROHIBITED_HINT },
	IMAGE_PROHIBITED_CONTENT: { kind: 'block', hint: PROHIBITED_HINT },
	BLOCKLIST: { kind: 'block', hint: 'The prompt holds a term on the provider\'s (or your project\'s) block list. Remove it and run again.' },
	SPII: { kind: 'block', hint: 'The answer would have shown sensitive personal information (an ID number, an address, a face linked to a name). Leave personal data out of the prompt and the input images.' },
	MODEL_ARMOR: { kind: 'block', hint: "Your Google Cloud project's Model Armor policy blocked the prompt. Change the prompt, or ask the project's admin about the policy." },
	JAILBREAK: { kind: 'block', hint: 'The prompt was read as an attempt to get around the safety rules. Reword it as a plain request.' },
	RECITATION: { kind: 'block', hint: RECITATION_HINT },
	IMAGE_RECITATION: { kind: 'block', hint: RECITATION_HINT },
	LANGUAGE: { kind: 'stop', hint: 'The prompt is in a language the model does not take for images. Write the prompt in English (or another language the model lists).' },
	NO_IMAGE: { kind: 'stop', hint: `The model decided not to draw. ${PLAIN_ASK}` },
	IMAGE_OTHER: { kind: 'stop', hint: 'Making the image failed on the provider\'s side for a reason it does not name. Run again; if it keeps failing, simplify the prompt or try another model.' },
	OTHER: { kind: 'stop', hint: 'The model stopped for a reason the provider does not name. Run again; if it keeps failing, simplify the prompt or try another model.' },
	MALFORMED_FUNCTION_CALL: { kind: 'stop', hint: 'The model tried to call a tool and failed. Remove "tools" from Extra Request Fields for image calls.' },
	UNEXPECTED_TOOL_CALL: { kind: 'stop', hint: 'The model called a tool that the request did not offer. Remove "tools" or "toolConfig" from Extra Request Fields.' },
	TOO_MANY_TOOL_CALLS: { kind: 'stop', hint: 'The model called tools too many times before answering. Remove "tools" from Extra Request Fields, or simplify the prompt.' },
	CONTINUATION: { kind: 'stop', hint: 'The model stopped part-way and expects the conversation to go on. Run again with a prompt that asks for the image at once.' },
	BLOCKED_REASON_UNSPECIFIED: { kind: 'block', hint: 'The provider blocked the prompt without saying why. Reword the prompt or change the input images.' },
	// OpenAI-style chat finishes (OpenRouter's and gateways' `finish_reason`).
	content_filter: { kind: 'block', hint: SAFETY_HINT },
	refusal: { kind: 'block', hint: 'The model refused the request. Reword the prompt; running it again as it is gets the same answer.' },
	error: { kind: 'stop', hint: "The provider's upstream failed on this request without saying how. Run again; if it keeps failing, try another model." },
	length: { kind: 'stop', hint: 'The model reached its output limit before the image. Remove a "max_tokens" set in Extra Request Fields, or shorten the prompt.' },
};

/** What a reason means: a reason no table knows is the model stopping for its own reasons. */
export function finishFacts(reason: string): FinishReasonFacts {
	return FINISH_REASONS[reason] ?? FINISH_REASONS[reason.toUpperCase()] ?? { kind: 'stop', hint: `The model ended with "${reason}" and no image. ${PLAIN_ASK}` };
}

/** A prompt blocked before the model ran is a block whatever its reason (Gemini's blockReason OTHER too). */
export function isBlock(reason: string, prompt?: boolean): boolean {
	return prompt === true || (finishFacts(reason).kind === 'block' && endedEarly(reason));
}

/** The hint for an ending; a blocked prompt whose reason says nothing more gets the prompt's own. */
export function finishHint(reason: string, prompt?: boolean): string {
	const facts = finishFacts(reason);
	if (prompt && facts.kind !== 'block') return 'The provider blocked the prompt without naming a rule. Reword the prompt or change the input images; running it again as it is gets the same answer.';
	return facts.hint;
}

/** A finish that is not a plain end of the answer (STOP, or a chat route's "stop"). */
export function endedEarly(reason: string | undefined): reason is string {
	return reason !== undefined && !/^(STOP|stop|end_turn|FINISH_REASON_UNSPECIFIED)$/.test(reason);
}
