/**
 * The error bodies the double answers with (OpenAI-style, as the seed gateways send them), the
 * canned "no image came back" and busy-upstream answers of N8N-NOTES.md, and the size limits.
 */
import type { Answer } from './doubleKit';
import { HttpError, jsonAnswer, nowSeconds } from './doubleKit';
import type { ScriptedResponse } from './doubleTypes';

export const MAX_SIDE = 8192;
export const MAX_PIXELS = 17_000_000;

interface ErrorBody {
	error: { message: string; type: string; param: string | null; code: string | number | null };
}

export function errorBody(
	message: string,
	code: string | number | null,
	param: string | null = null,
	type = 'invalid_request_error',
): ErrorBody {
	return { error: { message, type, param, code } };
}

/** The exact error bodies the double answers (the message may name the offending value). */
export const ERROR_BODIES = {
	/** 401 on a missing or wrong Bearer key. */
	invalidApiKey: {
		error: {
			message: 'Invalid API key provided',
			type: 'invalid_request_error',
			code: 'invalid_api_key',
		},
	},
	/** 400 when a required field is missing or empty (`param` is 'model', 'prompt' or 'image'). */
	missing: (param: string): ErrorBody =>
		errorBody(`Missing required parameter: '${param}'.`, 'missing_required_parameter', param),
	/** 406 on theTurbo's image routes without `Accept: application/json`. */
	notAcceptable: errorBody(
		"The 'Accept' header must be 'application/json'.",
		'not_acceptable',
		'Accept',
	),
};

/** Ready scripted answers: the "no image" shapes of N8N-NOTES.md, and busy upstreams. */
export const canned = {
	/** 200 with an empty `data` array. */
	emptyData: (): ScriptedResponse => ({
		status: 200,
		body: { created: nowSeconds(), data: [] },
	}),
	/** 200 with a data item that has no image, only the model's words in `revised_prompt`. */
	revisedPromptOnly: (
		words = 'I can describe a banana, but I did not draw one this time.',
	): ScriptedResponse => ({
		status: 200,
		body: { created: nowSeconds(), data: [{ revised_prompt: words }] },
	}),
	/** 200 whose body is an `error` object (some gateways do this). */
	errorIn200: (message = '当前分组上游负载已饱和，请稍后再试'): ScriptedResponse => ({
		status: 200,
		body: errorBody(message, 'upstream_error', null, 'upstream_error'),
	}),
	/** 200 with the model's text holding a markdown image link, and no url/b64_json. */
	markdownText: (link = 'https://example.invalid/generated/banana.png'): ScriptedResponse => ({
		status: 200,
		body: {
			created: nowSeconds(),
			data: [{ revised_prompt: `Here is your image: ![image](${link})` }],
		},
	}),
	/** 429 or 503 with the Chinese "upstream saturated" message. */
	saturated: (status: 429 | 503 = 503, retryAfter?: number): ScriptedResponse => ({
		status,
		headers: retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
		body: errorBody(
			'当前分组上游负载已饱和，请稍后再试',
			status === 429 ? 'rate_limit_exceeded' : 'upstream_saturated',
			null,
			status === 429 ? 'rate_limit_error' : 'server_error',
		),
	}),
};

export function internalError(message: string): Answer {
	return jsonAnswer(
		500,
		errorBody(`provider double internal error: ${message}`, 'internal_error', null, 'server_error'),
	);
}


export function bad(message: string, code: string, param: string | null = null): HttpError {
	return new HttpError(400, errorBody(message, code, param));
}
