/**
 * The credential seam: the one place that reads a credential's fields. Opening a route turns the
 * provider's credential into what its calls need: the base URL, how calls are authenticated
 * (n8n's credential, or a token source's headers), the secrets to scrub from anything that comes
 * back, the account the shared gate counts, and the credential's choice of endpoint and dialect
 * for a generic gateway. The model list (ui/modelPicker.ts) opens its route here too.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { ErrorScope } from '../errors';
import { itemError } from '../errors';
import type { Dialect } from '../wireFormats/openAiDialects';
import { chooseDialect } from '../wireFormats/openAiDialects';
import type { WireFormatId } from '../wireFormats/wireFormatId';
import { normalizeBaseUrl } from './baseUrl';
import type { KeyProblem } from './googleCloudAuth';
import { authHeadersOf, googleCloudRoute } from './googleCloudConnection';
import type { PostForm } from './googleCloudToken';
import type { Provider } from './providers';

export const MAX_ACCOUNT_CONCURRENCY = 100;

export interface Connection {
	baseUrl: string;
	/** The n8n credential type whose `authenticate` signs calls to the provider's own API. */
	credentialType: string;
	/** A token source's headers, for routes that sign their own calls (used instead of the credential's `authenticate`). */
	authHeaders?: (scope: ErrorScope) => Promise<Record<string, string>>;
	/** The provider turned the token source's headers away (401): the next `authHeaders` fetches anew. */
	reauthorize?: (used: Record<string, string>) => void;
	/** Where a model's method is, for routes whose model addresses the credential shapes (a project, a location). */
	modelUrl?: (model: string, method: string) => string;
	/** What to scrub from anything a provider echoes back: the key, a token. */
	secrets: string[];
	/** The account's shared cap ("Max Requests in Flight"), keyed by credential and key; none when it sets no cap. */
	account?: { key: string; cap: number };
	format: WireFormatId;
	dialect: Dialect;
}

/** The wire format a provider speaks: its own, or for a generic gateway the credential's endpoint. */
function formatOf(provider: Provider, endpoint: unknown): WireFormatId {
	if (provider.wireFormat) return provider.wireFormat;
	return endpoint === 'chatCompletions' ? 'chatCompletions' : 'openAiImages';
}

/** The credential's cap: undefined when the field is empty or 0 (no account-wide cap). */
function readCap(value: unknown): number | undefined | 'invalid' {
	if (value === undefined || value === null || value === '' || value === 0 || value === '0') return undefined;
	const cap = Number(value);
	return Number.isInteger(cap) && cap >= 0 && cap <= MAX_ACCOUNT_CONCURRENCY ? cap : 'invalid';
}

/**
 * The account a credential stands for: its id and name with a hash of its key, so that two
 * credentials never share a gate, nor two keys under one credential (changed while executions ran).
 */
function accountKey(provider: Provider, ref: { id?: string | null; name?: string } | undefined, credentials: ICredentialDataDecryptedObject, identity: string): string {
	const keyHash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
	return [provider.credentialType, ref?.id ?? '', ref?.name ?? '', String(credentials.baseUrl ?? ''), keyHash].join('\u0000');
}

type Opened = Connection & { cap: number | undefined | 'invalid' };

/**
 * The connection a provider's credential gives (undefined base URL checks are the caller's), or
 * what is wrong with the credential. A credential of Google Cloud (the provider's `connector`)
 * signs its own calls; `post` sends its token requests.
 */
export function connectionOf(provider: Provider, credentials: ICredentialDataDecryptedObject, ref?: { id?: string | null; name?: string }, post?: PostForm): Opened | KeyProblem {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	const cap = readCap(credentials.maxConcurrency);
	const cloud = provider.connector === 'googleCloud' ? googleCloudRoute(credentials, post ?? noPost) : undefined;
	if (cloud && 'hint' in cloud) return cloud;
	const identity = cloud?.identity ?? String(apiKey ?? '');
	return {
		baseUrl: cloud?.baseUrl ?? normalizeBaseUrl(String(credentials.baseUrl ?? '')),
		credentialType: provider.credentialType,
		...(cloud ? { authHeaders: authHeadersOf(cloud), reauthorize: cloud.reauthorize, modelUrl: cloud.modelUrl } : {}),
		secrets: cloud?.secrets ?? (apiKey ? [apiKey] : []),
		account: typeof cap === 'number' ? { key: accountKey(provider, ref, credentials, identity), cap } : undefined,
		format: formatOf(provider, credentials.endpoint),
		dialect: chooseDialect(provider.dialect, credentials),
		cap,
	};
}

/** An answer body asked for as bytes, as text. */
function textOf(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

const noPost: PostForm = async () => await Promise.reject(new Error('This route cannot fetch a token here'));

/** An execution's form POST (a token request): through n8n's plain helper, its answer whatever the status. */
export function postWith(ctx: IExecuteFunctions): PostForm {
	return async (url, form) => {
		const response = (await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body: form,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		})) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: textOf(response.body) };
	};
}

/** Open an item's route: its credential read once, checked, and turned into a connection. */
export async function openConnection(ctx: IExecuteFunctions, itemIndex: number, provider: Provider): Promise<Connection> {
	const credentials = await ctx.getCredentials(provider.credentialType, itemIndex);
	const opened = connectionOf(provider, credentials, ctx.getNode().credentials?.[provider.credentialType], postWith(ctx));
	if ('hint' in opened) throw itemError(ctx, itemIndex, opened.message, opened.hint);
	const { cap, ...connection } = opened;
	if (cap === 'invalid') {
		throw itemError(ctx, itemIndex, `The credential's "Max Requests in Flight" must be a whole number from 1 to ${MAX_ACCOUNT_CONCURRENCY}, or empty`, 'Leave it empty (or 0) for no account-wide cap.');
	}
	if (!/^https?:\/\/[^/]/i.test(connection.baseUrl)) {
		throw itemError(ctx, itemIndex, `The ${provider.displayName} credential has no valid base URL`, 'Set "Base URL" in the credential to the gateway address, for example https://api.example.com.');
	}
	return connection;
}

/** The model list's connection, for the editor (no item, no account gate). */
export async function pickerConnection(ctx: ILoadOptionsFunctions, provider: Provider): Promise<Connection> {
	const opened = connectionOf(provider, await ctx.getCredentials(provider.credentialType));
	if ('hint' in opened) throw new Error(opened.message);
	const { cap: _cap, ...connection } = opened;
	return connection;
}
