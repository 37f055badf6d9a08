/**
 * A base URL as the user typed it, reduced to the host part the API paths go under: trailing
 * slashes and a trailing `/v1` (or Google's `/v1beta`) are dropped, since the node adds them.
 * One rule, in two forms: the function the node runs, and the n8n expression the credentials'
 * test requests run (credentials/gatewayCredential.ts), both made from the patterns below.
 */
const TRAILING_SLASHES = /\/+$/;
const VERSION_PART = /\/v1(beta)?$/i;

export function normalizeBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(TRAILING_SLASHES, '').replace(VERSION_PART, '');
}

/** The same rule in n8n's expression language, over `$credentials.baseUrl`. */
export const BASE_URL_EXPRESSION = `={{ $credentials.baseUrl.trim().replace(${String(TRAILING_SLASHES)}, "").replace(${String(VERSION_PART)}, "") }}`;
