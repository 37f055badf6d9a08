/**
 * What an answer without an image means, before any item is made: an error inside the answer, a
 * block (safety, recitation, personal data: never retried, the same request gets the same
 * answer), the model stopping early without a word, or nothing at all. An answer that holds
 * words and no image passes: it is a text-only answer, which "On Text-Only Answer" decides.
 */
import type { NodeApiError } from 'n8n-workflow';

import { endedEarly, finishHint, isBlock } from './finishReasons';
import type { AnswerFinish, GatewayAnswer } from './gatewayAnswer';
import { tidyText } from './gatewayAnswer';
import { RETRYABLE_STATUS, looksBusy } from '../transport/retryPolicy';
import type { CallScope } from '../callScope';
import { failedAttempt, gatewayError, httpStatusOf, statusHint, withSummary } from '../errors';

/** How an ending reads in a message: `IMAGE_SAFETY (Unable to show ...)`, `prompt blocked (SAFETY)`. */
export function finishLabel(finish: AnswerFinish): string {
	const reason = finish.prompt ? `prompt blocked (${finish.reason})` : finish.reason;
	return finish.message ? `${reason} (${tidyText(finish.message, 300)})` : reason;
}

/** What the model said, for an error's description. */
export function saidWords(texts: string[]): string | undefined {
	return texts.length > 0 ? `The model said: "${texts.map((t) => tidyText(t, 1000)).join('\n')}".` : undefined;
}

const joined = (...parts: Array<string | undefined>) => parts.filter((p) => p).join(' ');

/** Throws the error an answer without an image stands for; returns when it holds images or words. */
export function checkAnswer(scope: CallScope, answer: GatewayAnswer): void {
	if (answer.images.length > 0) return;
	const name = scope.s.provider.displayName;
	const { embeddedError: embedded, finish, texts } = answer;
	if (embedded?.retryable !== undefined) {
		// An error the answer's own shape marks (a chat choice's error): named, retried only as its code says.
		const code = httpStatusOf(embedded.code);
		throw failedAttempt(gatewayError(scope, code, `${name} reported an error for this request: ${withSummary(embedded.message)}${embedded.code ? ` (code ${embedded.code})` : ''}`, statusHint(code)), embedded.retryable, undefined, code);
	}
	if (finish && isBlock(finish.reason, finish.prompt)) {
		throw failedAttempt(gatewayError(scope, undefined, `${name} made no image: ${finishLabel(finish)}`, joined(finishHint(finish.reason, finish.prompt), saidWords(texts))), false);
	}
	if (texts.length > 0) return;
	if (finish && endedEarly(finish.reason)) {
		// The model stopped early with nothing to show: the same request would usually end the same way.
		throw failedAttempt(gatewayError(scope, undefined, `${name} made no image: ${finishLabel(finish)}`, finishHint(finish.reason)), false);
	}
	// An error inside an HTTP 200, or an empty answer: retry when it says "busy".
	const code = httpStatusOf(embedded?.code);
	const message = embedded ? `${name} reported an error: ${withSummary(embedded.message)}` : `${name} answered without any image`;
	const retryable = embedded ? looksBusy(embedded.message) || (code !== undefined && RETRYABLE_STATUS.has(code)) : true;
	throw failedAttempt(gatewayError(scope, code, message, embedded ? statusHint(code) : 'The answer held no image and no text. Run again, or try another model.'), retryable, undefined, code);
}

/** "On Text-Only Answer: Stop With an Error": the model's words, and why it gave no image. */
export function textAnswerError(scope: CallScope, answer: GatewayAnswer): NodeApiError {
	const reason = answer.finish && endedEarly(answer.finish.reason) ? ` (${finishLabel(answer.finish)})` : '';
	const hint = answer.finish ? finishHint(answer.finish.reason) : 'Ask plainly for a picture in the prompt (for example "Draw ..." or "Generate an image of ...").';
	return gatewayError(scope, undefined, `The model answered with text instead of an image${reason}`, joined(saidWords(answer.texts), hint, 'Or set "On Text-Only Answer" to output the text.'));
}
