/**
 * The token request of the JWT bearer grant, through whichever HTTP helper the caller has (an
 * execution's `httpRequest`, a credential test's `request`), and what Google's answers mean: a
 * token, or a refusal said so that the user knows what to fix. Never the key, never the token.
 */
import { JWT_BEARER_GRANT } from './googleCloudAuth';
import type { ServiceAccountKey, TokenAnswer } from './googleCloudAuth';

/** One POST of a form, its answer as status and text. */
export type PostForm = (url: string, form: string) => Promise<{ status: number; body: string }>;

/** The token endpoint said no, or said something that is not a token. */
export class TokenRefused extends Error {
	constructor(
		readonly status: number | undefined,
		message: string,
		readonly hint: string,
		readonly retryable: boolean,
	) {
		super(message);
		this.name = 'TokenRefused';
	}
}

const KEY_HINT =
	'Check that the service account and this key still exist and are enabled (IAM > Service accounts > the account > Keys), and that the machine\'s clock is right. Make a new key if the old one was deleted.';

/** Google's words for a refused grant, with what to do about each. */
function refusal(status: number, body: string): TokenRefused {
	let error = '';
	let description = '';
	try {
		const json = JSON.parse(body) as { error?: unknown; error_description?: unknown };
		error = typeof json.error === 'string' ? json.error : '';
		description = typeof json.error_description === 'string' ? json.error_description : '';
	} catch {
		description = body.trim().slice(0, 200);
	}
	const words = [error, description].filter((w) => w !== '').join(': ') || `HTTP ${status}`;
	const retryable = status === 429 || status >= 500;
	if (/disabled/i.test(description)) {
		return new TokenRefused(status, `Google refused the service account: ${words}`, 'The service account is disabled. Enable it in IAM > Service accounts, or use another one.', false);
	}
	if (/signature/i.test(description)) {
		return new TokenRefused(status, `Google refused the service account key: ${words}`, `The private key does not belong to this account, or the key was deleted. ${KEY_HINT}`, false);
	}
	return new TokenRefused(status, `Google refused the service account key: ${words}`, retryable ? 'Google\'s token service failed. This is usually temporary: run again.' : KEY_HINT, retryable);
}

/** Post the signed assertion to the key's token URI and read the token out of the answer. */
export async function requestToken(post: PostForm, key: ServiceAccountKey, assertion: string): Promise<TokenAnswer> {
	const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
	let answer: { status: number; body: string };
	try {
		answer = await post(key.tokenUri, form);
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		// TokenRefused becomes the item's NodeApiError where the call is made (googleCloudConnection.ts).
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw new TokenRefused(undefined, `Could not reach Google's token service at ${new URL(key.tokenUri).host}${typeof code === 'string' ? ` (${code})` : ''}`, 'Check that n8n can reach oauth2.googleapis.com (or the key\'s token_uri), then run again.', true);
	}
	if (answer.status >= 400) throw refusal(answer.status, answer.body);
	let json: { access_token?: unknown; expires_in?: unknown };
	try {
		json = JSON.parse(answer.body) as typeof json;
	} catch {
		json = {};
	}
	if (typeof json.access_token !== 'string' || json.access_token === '') {
		throw new TokenRefused(answer.status, "Google's token service answered without an access token", 'This is usually temporary: run again.', true);
	}
	const expires = Number(json.expires_in);
	return { accessToken: json.access_token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 3600 };
}
