/**
 * The credential seam: the one place that reads a credential's fields. Opening a route turns the
 * provider's credential into what its calls need: the base URL, how calls are authenticated
 * (n8n's credential, or a token source's headers), the secrets to scrub from anything that comes
 * back, the account the shared gate counts, and the credential's choice of endpoint and dialect
 * for a generic gateway. The model list (ui/modelPicker.ts) opens its route here too.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { itemError } from '../errors';
import type { Dialect } from '../wireFormats/openAiDialects';
import { chooseDialect } from '../wireFormats/openAiDialects';
import type { WireFormatId } from '../wireFormats/wireFormatId';
import { normalizeBaseUrl } from './baseUrl';
import type { Provider } from './providers';

export const MAX_ACCOUNT_CONCURRENCY = 100;

export interface Connection {
	baseUrl: string;
	/** The n8n credential type whose `authenticate` signs calls to the provider's own API. */
	credentialType: string;
	/** A token source's headers, for routes that sign their own calls (used instead of the credential's `authenticate`). */
	authHeaders?: () => Promise<Record<string, string>>;
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
function accountKey(provider: Provider, ref: { id?: string | null; name?: string } | undefined, credentials: ICredentialDataDecryptedObject): string {
	const keyHash = createHash('sha256').update(String(credentials.apiKey ?? '')).digest('hex').slice(0, 16);
	return [provider.credentialType, ref?.id ?? '', ref?.name ?? '', String(credentials.baseUrl ?? ''), keyHash].join('\u0000');
}

/** The connection a provider's credential gives; undefined base URL checks are the caller's. */
export function connectionOf(provider: Provider, credentials: ICredentialDataDecryptedObject, ref?: { id?: string | null; name?: string }): Connection & { cap: number | undefined | 'invalid' } {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined;
	const cap = readCap(credentials.maxConcurrency);
	return {
		baseUrl: normalizeBaseUrl(String(credentials.baseUrl ?? '')),
		credentialType: provider.credentialType,
		secrets: apiKey ? [apiKey] : [],
		account: typeof cap === 'number' ? { key: accountKey(provider, ref, credentials), cap } : undefined,
		format: formatOf(provider, credentials.endpoint),
		dialect: chooseDialect(provider.dialect, credentials),
		cap,
	};
}

/** Open an item's route: its credential read once, checked, and turned into a connection. */
export async function openConnection(ctx: IExecuteFunctions, itemIndex: number, provider: Provider): Promise<Connection> {
	const credentials = await ctx.getCredentials(provider.credentialType, itemIndex);
	const { cap, ...connection } = connectionOf(provider, credentials, ctx.getNode().credentials?.[provider.credentialType]);
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
	const { cap: _cap, ...connection } = connectionOf(provider, await ctx.getCredentials(provider.credentialType));
	return connection;
}
