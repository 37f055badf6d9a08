/**
 * Vertex AI's credential turned into what its calls need: the host for the location (or the base
 * URL set), the model's address in the project (or Express Mode's, without one), and the
 * authentication: a service account's OAuth token (googleCloudAuth.ts) in `Authorization`, or an
 * Express Mode key in `x-goog-api-key`.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ErrorScope } from '../errors';
import { failedAttempt, gatewayError } from '../errors';
import type { KeyProblem } from './googleCloudAuth';
import { accessToken, dropToken, isKeyProblem, readServiceAccountKey } from './googleCloudAuth';
import type { PostForm } from './googleCloudToken';
import { TokenRefused, requestToken } from './googleCloudToken';
import { normalizeBaseUrl } from './baseUrl';

/** What a Vertex AI credential gives a connection. */
export interface CloudRoute {
	baseUrl: string;
	/** The address of a model's method (`generateContent`, `countTokens`). */
	modelUrl: (model: string, method: string) => string;
	/** The headers that authenticate a call; a refused key throws TokenRefused. */
	headers: () => Promise<Record<string, string>>;
	/** The API turned these headers away (401): make the next call fetch a new token. */
	reauthorize?: (used: Record<string, string>) => void;
	/** Grows as tokens are fetched: every token the connection used is scrubbed from errors. */
	secrets: string[];
	/** Names the account for the shared gate (a hash, not the key). */
	identity: string;
}

const GLOBAL_HOST = 'https://aiplatform.googleapis.com';

/** A model typed as `models/x` or `publishers/google/models/x` is the model x. */
function modelId(model: string): string {
	return encodeURIComponent(model.replace(/^(publishers\/[^/]+\/)?models\//, ''));
}

/** Google's host for a location: global, or `{location}-aiplatform.googleapis.com`. */
export function hostFor(location: string): string {
	return location === 'global' ? GLOBAL_HOST : `https://${location}-aiplatform.googleapis.com`;
}

/** The credential's route, or what is wrong with it. `post` sends the token request. */
export function googleCloudRoute(credentials: ICredentialDataDecryptedObject, post: PostForm): CloudRoute | KeyProblem {
	const override = normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	if (credentials.authentication === 'expressApiKey') {
		const apiKey = String(credentials.apiKey ?? '');
		if (apiKey === '') return { message: 'The Vertex AI credential has no Express Mode API key', hint: 'Set "API Key" in the credential, or choose "Service Account".' };
		const baseUrl = override || GLOBAL_HOST;
		return {
			baseUrl,
			modelUrl: (model, method) => `${baseUrl}/v1/publishers/google/models/${modelId(model)}:${method}`,
			headers: async () => ({ 'x-goog-api-key': apiKey }),
			secrets: [apiKey],
			identity: `express\u0000${apiKey}`,
		};
	}
	const key = readServiceAccountKey(credentials.serviceAccountKey);
	if (isKeyProblem(key)) return key;
	const project = String(credentials.projectId ?? '').trim() || key.projectId;
	if (!project) return { message: 'The Vertex AI credential names no project', hint: 'Set "Project ID" in the credential: the service account key has no project_id.' };
	const location = String(credentials.location ?? '').trim() || 'global';
	if (!/^[a-z0-9-]+$/.test(location)) return { message: `"${location}" is not a Vertex AI location`, hint: 'Use global, or a region such as us-central1 or europe-west4.' };
	const baseUrl = override || hostFor(location);
	const secrets: string[] = [];
	const fetchToken = async (assertion: string) => {
		const answer = await requestToken(post, key, assertion);
		secrets.push(answer.accessToken);
		return answer;
	};
	return {
		baseUrl,
		modelUrl: (model, method) => `${baseUrl}/v1/projects/${encodeURIComponent(project)}/locations/${location}/publishers/google/models/${modelId(model)}:${method}`,
		headers: async () => ({ Authorization: `Bearer ${await accessToken(key, fetchToken)}` }),
		reauthorize: (used) => dropToken(key, String(used.Authorization ?? '').replace(/^Bearer /, '')),
		secrets,
		identity: `serviceAccount\u0000${key.fingerprint}\u0000${project}\u0000${location}`,
	};
}

/** A token source's headers for an item's calls: a refused key becomes the item's NodeApiError, retried when Google's side failed. */
export function authHeadersOf(route: CloudRoute): (scope: ErrorScope) => Promise<Record<string, string>> {
	return async (scope) => {
		try {
			return await route.headers();
		} catch (error) {
			if (!(error instanceof TokenRefused)) throw new NodeOperationError(scope.ctx.getNode(), error as Error, { itemIndex: scope.s.itemIndex });
			throw failedAttempt(gatewayError(scope, error.status, error.message, error.hint), error.retryable, undefined, error.status, error.message);
		}
	};
}
