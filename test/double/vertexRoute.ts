/**
 * The provider double's Vertex AI (prefix `/vertex`), from ../shared/MODELS.md:
 *   POST /token                                   the OAuth token endpoint of a service account key
 *                                                 (its `token_uri`): the JWT bearer grant, verified
 *   POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent   Bearer token
 *   POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:countTokens       Bearer token
 *   POST /v1/publishers/google/models/{m}:generateContent | :countTokens   Express Mode (x-goog-api-key)
 *
 * The token endpoint takes `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`
 * and checks the JWT as Google does: RS256, signed by the test key's private key (verified with its
 * public key), `iss` the key's client_email, `aud` its token_uri, `scope` cloud-platform, `iat`
 * now and `exp` at most an hour on. It answers `{access_token, expires_in, token_type: "Bearer"}`
 * with `settings.tokenLifetimeSeconds`, or Google's `{error, error_description}` (a bad signature,
 * a disabled account). generateContent is the Gemini route's, with Vertex AI's image fields and
 * `gs://` files from `storage`; before it, the token must be one this double issued and still
 * valid (else 401 UNAUTHENTICATED), the project the key's (else 403 IAM_PERMISSION_DENIED), and
 * the API enabled (`settings.serviceDisabled`: 403 SERVICE_DISABLED with its activation URL).
 * `settings.expireTokensAtCall` n: at the n-th model call every token issued so far expires, as a
 * token does in the middle of a long batch.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';

import type { Answer, RouteContext } from './doubleKit';
import { HttpError, headerValue, jsonAnswer } from './doubleKit';
import type { GeminiRequest, GeminiRoute } from './geminiRoute';
import { googleError } from './geminiRoute';

export const VERTEX_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const LOCATIONS = new Set(['global', 'us-central1', 'europe-west4', 'asia-northeast1']);

/** One assertion the token endpoint took, decoded: what the tests compare with Google's auth library. */
export interface SeenAssertion {
	header: Record<string, unknown>;
	claims: Record<string, unknown>;
}

function defaults() {
	return { project: 'nano-banana-test', tokenLifetimeSeconds: 3600, serviceDisabled: false, accountDisabled: false, expireTokensAtCall: 0 };
}

const tokenError = (status: number, error: string, description: string) => new HttpError(status, { error, error_description: description });

export function createVertexRoute(ctx: RouteContext, gemini: GeminiRoute) {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
	const publicKey = createPublicKey(privateKey);
	const clientEmail = 'nano-banana@nano-banana-test.iam.gserviceaccount.com';
	const settings = defaults();
	const tokens = new Map<string, number>();
	const storage = new Map<string, { bytes: Buffer; mimeType: string }>();
	const stats = { grants: 0, assertions: [] as SeenAssertion[], calls: 0, unauthorized: 0 };
	const tokenUri = () => `${ctx.apiUrl}/vertex/token`;

	const grant = (req: GeminiRequest): Answer => {
		const form = new URLSearchParams(req.raw.toString('utf8'));
		if (!/^application\/x-www-form-urlencoded/i.test(headerValue(req.headers['content-type']))) throw tokenError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
		if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw tokenError(400, 'unsupported_grant_type', 'Invalid grant_type: ' + String(form.get('grant_type')));
		const [h, c, sig] = String(form.get('assertion') ?? '').split('.');
		if (!h || !c || !sig) throw tokenError(400, 'invalid_request', 'Invalid JWT: not three parts.');
		const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
		const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
		if (header.alg !== 'RS256') throw tokenError(400, 'invalid_grant', 'Invalid JWT: alg must be RS256.');
		if (!verify('RSA-SHA256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, 'base64url'))) throw tokenError(400, 'invalid_grant', 'Invalid JWT Signature.');
		const now = Math.floor(Date.now() / 1000);
		const iat = Number(claims.iat);
		const exp = Number(claims.exp);
		if (!(iat <= now + 60 && exp > now && exp - iat <= 3600)) {
			throw tokenError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
		}
		// `aud` is the address the assertion was posted to (a test's key may add a query to be a key of its own).
		const query = req.query.toString();
		const audience = `${tokenUri()}${query ? `?${query}` : ''}`;
		if (claims.aud !== audience) throw tokenError(400, 'invalid_grant', `Invalid JWT: aud must be ${audience}.`);
		if (claims.iss !== clientEmail) throw tokenError(400, 'invalid_grant', 'Invalid grant: account not found');
		if (!String(claims.scope ?? '').split(' ').includes(VERTEX_SCOPE)) throw tokenError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
		if (settings.accountDisabled) throw tokenError(400, 'invalid_grant', 'Service account is disabled.');
		stats.assertions.push({ header, claims });
		stats.grants++;
		const token = `ya29.double-${randomBytes(12).toString('hex')}`;
		tokens.set(token, Date.now() + settings.tokenLifetimeSeconds * 1000);
		return jsonAnswer(200, { access_token: token, expires_in: settings.tokenLifetimeSeconds, token_type: 'Bearer' });
	};

	const authorize = (req: GeminiRequest): void => {
		const m = /^Bearer\s+(\S+)$/.exec(headerValue(req.headers.authorization));
		const expiresAt = m ? tokens.get(m[1]) : undefined;
		if (expiresAt === undefined || expiresAt <= Date.now()) {
			stats.unauthorized++;
			throw googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: m ? 'ACCESS_TOKEN_EXPIRED' : 'CREDENTIALS_MISSING', domain: 'googleapis.com' },
			]);
		}
	};

	const checkProject = (project: string, location: string, model: string): void => {
		if (settings.serviceDisabled) {
			const activationUrl = `https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=${project}`;
			throw googleError(403, 'PERMISSION_DENIED', `Vertex AI API has not been used in project ${project} before or it is disabled. Enable it by visiting ${activationUrl} then retry.`, [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service: 'aiplatform.googleapis.com', consumer: `projects/${project}`, activationUrl } },
			]);
		}
		if (project !== settings.project) {
			throw googleError(403, 'PERMISSION_DENIED', `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}/publishers/google/models/${model}' (or it may not exist).`, [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'aiplatform.googleapis.com', metadata: { permission: 'aiplatform.endpoints.predict' } },
			]);
		}
		if (!LOCATIONS.has(location)) throw googleError(400, 'INVALID_ARGUMENT', `Unsupported location: ${location}.`);
	};

	const call = (model: string, method: string, req: GeminiRequest, resource: string): Answer => {
		stats.calls++;
		if (settings.expireTokensAtCall > 0 && stats.calls === settings.expireTokensAtCall) tokens.clear();
		if (method === 'countTokens') return jsonAnswer(200, { totalTokens: 7, totalBillableCharacters: 20 });
		return gemini.generate(model, req, {
			storage,
			notFound: (id) => googleError(404, 'NOT_FOUND', `Publisher Model \`${resource}/publishers/google/models/${id}\` was not found or your project does not have access to it. Please ensure you are using a valid model version.`),
		});
	};

	return {
		settings,
		storage,
		stats,
		clientEmail,
		/** A service account JSON key for this double, as Google's console makes one (`overrides` replace fields). */
		serviceAccountKey(overrides: Record<string, unknown> = {}): string {
			return JSON.stringify({
				type: 'service_account',
				project_id: settings.project,
				private_key_id: 'd0ub1e00000000000000000000000000000000ab',
				private_key: privatePem,
				client_email: clientEmail,
				client_id: '100000000000000000000',
				auth_uri: 'https://accounts.google.com/o/oauth2/auth',
				token_uri: tokenUri(),
				...overrides,
			});
		},
		/** Every token issued so far stops working now. */
		expireTokens(): void {
			tokens.clear();
		},
		reset(): void {
			Object.assign(settings, defaults());
			tokens.clear();
			storage.clear();
			stats.grants = 0;
			stats.calls = 0;
			stats.unauthorized = 0;
			stats.assertions.length = 0;
		},
		handle(req: GeminiRequest): Answer {
			if (req.method === 'POST' && req.path === '/token') return grant(req);
			const project = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|countTokens)$/.exec(req.path);
			if (req.method === 'POST' && project) {
				authorize(req);
				const [, p, location, model] = project.map(decodeURIComponent);
				checkProject(p, location, model);
				return call(model, project[4], req, `projects/${p}/locations/${location}`);
			}
			const express = /^\/v1\/publishers\/google\/models\/([^/:]+):(generateContent|countTokens)$/.exec(req.path);
			if (req.method === 'POST' && express) {
				const key = headerValue(req.headers['x-goog-api-key']);
				if (key !== ctx.apiKey) {
					throw googleError(key === '' ? 401 : 400, key === '' ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT', key === '' ? 'Request is missing required authentication credential.' : 'API key not valid. Please pass a valid API key.', [
						{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: key === '' ? 'CREDENTIALS_MISSING' : 'API_KEY_INVALID', domain: 'googleapis.com' },
					]);
				}
				return call(decodeURIComponent(express[1]), express[2], req, 'express');
			}
			throw googleError(404, 'NOT_FOUND', `Invalid URL (${req.method} ${req.path})`);
		},
	};
}

export type VertexRoute = ReturnType<typeof createVertexRoute>;
