/**
 * A service account's OAuth access token, without a new runtime dependency: the JWT bearer grant
 * (RFC 7523) signed RS256 with node:crypto, sent to the key's `token_uri` with the cloud-platform
 * scope, as Google's auth library does. The token is cached per key until 60 seconds before it
 * expires and shared by every execution in the process; calls that need one while it is being
 * fetched wait for that one fetch. A token the API turned away (401) is dropped, once, so that the
 * next call fetches a new one. The private key and the token never leave this module but as the
 * signed assertion and the Authorization header.
 */
import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createSign } from 'node:crypto';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Refresh this long before the token's end, so that no request goes out with a token about to lapse. */
const EARLY_MS = 60_000;
/** The assertion's lifetime, as Google's auth library signs it (Google takes at most an hour). */
const ASSERTION_SECONDS = 3600;

export interface ServiceAccountKey {
	clientEmail: string;
	privateKey: KeyObject;
	projectId?: string;
	tokenUri: string;
	/** Names the key in the token cache: a hash of the account, the key and the token URI, never the key itself. */
	fingerprint: string;
}

/** What is wrong with a pasted key, said so that the user knows what to fix. */
export interface KeyProblem {
	message: string;
	hint: string;
}

const PASTE_HINT = 'Paste the whole JSON key file (IAM > Service accounts > Keys > Add key > Create new key > JSON) into "Service Account Key (JSON)".';

/** The service account's JSON key, checked field by field; the private key is read now, not at the first call. */
export function readServiceAccountKey(text: unknown): ServiceAccountKey | KeyProblem {
	let json: Record<string, unknown>;
	try {
		const parsed: unknown = JSON.parse(String(text ?? '').trim());
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
		json = parsed as Record<string, unknown>;
	} catch {
		return { message: 'The service account key is not valid JSON', hint: PASTE_HINT };
	}
	if (json.type !== undefined && json.type !== 'service_account') {
		return { message: `The key is of type "${String(json.type)}", not a service account key`, hint: `${PASTE_HINT} A user's or an external account's credentials file does not work here.` };
	}
	const missing = ['client_email', 'private_key'].filter((field) => typeof json[field] !== 'string' || json[field] === '');
	if (missing.length > 0) return { message: `The service account key has no ${missing.join(' and no ')}`, hint: PASTE_HINT };
	let privateKey: KeyObject;
	try {
		// A key pasted through a form sometimes has its line breaks as the two characters \n.
		privateKey = createPrivateKey(String(json.private_key).replace(/\\n/g, '\n'));
	} catch {
		return { message: "The service account key's private_key cannot be read", hint: `It must be the PEM block from the key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----. ${PASTE_HINT}` };
	}
	if (privateKey.asymmetricKeyType !== 'rsa') return { message: "The service account key's private_key is not an RSA key", hint: PASTE_HINT };
	const tokenUri = typeof json.token_uri === 'string' && /^https?:\/\//.test(json.token_uri) ? json.token_uri : GOOGLE_TOKEN_URI;
	const clientEmail = String(json.client_email);
	const fingerprint = createHash('sha256').update(`${clientEmail}\u0000${tokenUri}\u0000${String(json.private_key)}`).digest('hex');
	return { clientEmail, privateKey, projectId: typeof json.project_id === 'string' && json.project_id !== '' ? json.project_id : undefined, tokenUri, fingerprint };
}

export const isKeyProblem = (key: ServiceAccountKey | KeyProblem): key is KeyProblem => 'hint' in key;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** The signed JWT of the bearer grant: header, claims (iss, scope, aud, exp, iat), RS256 signature. */
export function signedAssertion(key: ServiceAccountKey, nowSeconds = Math.floor(Date.now() / 1000)): string {
	const header = base64url(JSON.stringify({ alg: 'RS256' }));
	const claims = base64url(JSON.stringify({ iss: key.clientEmail, scope: CLOUD_PLATFORM_SCOPE, aud: key.tokenUri, exp: nowSeconds + ASSERTION_SECONDS, iat: nowSeconds }));
	const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key.privateKey);
	return `${header}.${claims}.${base64url(signature)}`;
}

/** The token endpoint's answer, as the fetch hands it over. */
export interface TokenAnswer {
	accessToken: string;
	expiresInSeconds: number;
}

interface Held {
	token: string;
	expiresAt: number;
}

const held = new Map<string, Held>();
const fetching = new Map<string, Promise<Held>>();

/**
 * A valid access token for the key: the cached one, or the one being fetched, or a new one fetched
 * now with `fetchToken` (which posts the assertion and reads the answer; its errors pass through).
 */
export async function accessToken(key: ServiceAccountKey, fetchToken: (assertion: string) => Promise<TokenAnswer>): Promise<string> {
	const now = Date.now();
	const current = held.get(key.fingerprint);
	if (current && current.expiresAt - EARLY_MS > now) return current.token;
	let pending = fetching.get(key.fingerprint);
	if (!pending) {
		pending = (async () => {
			const answer = await fetchToken(signedAssertion(key));
			const token = { token: answer.accessToken, expiresAt: Date.now() + answer.expiresInSeconds * 1000 };
			held.set(key.fingerprint, token);
			return token;
		})();
		fetching.set(key.fingerprint, pending);
		const clear = () => fetching.delete(key.fingerprint);
		pending.then(clear, clear);
	}
	return (await pending).token;
}

/** The API turned `token` away (401): drop it, unless another call has already put a newer one in its place. */
export function dropToken(key: ServiceAccountKey, token: string): void {
	if (held.get(key.fingerprint)?.token === token) held.delete(key.fingerprint);
}
