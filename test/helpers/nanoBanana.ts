/**
 * Running the Nano Banana node through n8n-core (./n8n) against the provider double, with
 * each provider's credential pointing at the double's route for that gateway.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { GoogleGeminiImageApi } from '../../credentials/GoogleGeminiImageApi.credentials';
import { GptGeApi } from '../../credentials/GptGeApi.credentials';
import { VertexAiImageApi } from '../../credentials/VertexAiImageApi.credentials';
import { OpenRouterImageApi } from '../../credentials/OpenRouterImageApi.credentials';
import { OpenAiCompatibleImageApi } from '../../credentials/OpenAiCompatibleImageApi.credentials';
import { TheTurboApi } from '../../credentials/TheTurboApi.credentials';
import { TuZiApi } from '../../credentials/TuZiApi.credentials';
import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';
import type { ProviderId } from '../../nodes/NanoBanana/route/providers';
import { PROVIDERS, PROVIDER_IDS } from '../../nodes/NanoBanana/route/providers';
import type { Prefix, ProviderDouble } from '../double/providerDouble';
import { startProviderDouble } from '../double/providerDouble';
import { encodeJpeg, encodePng } from '../double/images';
import type { InputItem, RunResult } from './n8n';
import { runNode, shutdownN8n } from './n8n';

export type { ProviderId };

export const PROVIDER_DIALECT: Record<ProviderId, Prefix> = {
	gptGe: 'gptGe',
	tuZi: 'tuZi',
	theTurbo: 'theTurbo',
	openAiCompatible: 'openai',
	google: 'google',
	openRouter: 'openRouter',
	vertexAi: 'vertex',
};

export const credentialTypes = [
	new GptGeApi(),
	new TuZiApi(),
	new TheTurboApi(),
	new OpenAiCompatibleImageApi(),
	new GoogleGeminiImageApi(),
	new OpenRouterImageApi(),
	new VertexAiImageApi(),
];

export interface RunNanoOptions {
	items?: InputItem[];
	continueOnFail?: boolean;
	binaryMode?: 'default' | 'filesystem';
	/** Credential fields to override (e.g. apiKey, baseUrl, dialect). */
	credential?: ICredentialDataDecryptedObject;
	/** The credential's id (default `cred-<provider>`): another id is another credential. */
	credentialId?: string;
	signal?: AbortSignal;
	/** The node's version (default: the newest). */
	typeVersion?: number;
}

/** Credentials for every provider, pointing at the double (the node picks the one it needs). */
export function doubleCredentials(double: ProviderDouble, override: ICredentialDataDecryptedObject = {}, credentialId?: string) {
	const entries = PROVIDER_IDS.map((provider) => [
		PROVIDERS[provider].credentialType,
		{
			id: credentialId ?? `cred-${provider}`,
			name: `${provider} (double)`,
			data: {
				apiKey: double.apiKey,
				baseUrl: double.baseUrlFor(PROVIDER_DIALECT[provider]),
				...(provider === 'openAiCompatible' ? { dialect: 'openai' } : {}),
				// Vertex AI with the double's service account key (its token_uri is the double's).
				...(provider === 'vertexAi' ? { authentication: 'serviceAccount', serviceAccountKey: double.vertex.serviceAccountKey(), location: 'global' } : {}),
				...override,
			},
		},
	]);
	return Object.fromEntries(entries);
}

export async function runNanoBanana(
	double: ProviderDouble,
	parameters: INodeParameters,
	options: RunNanoOptions = {},
): Promise<RunResult> {
	return await runNode({
		nodeType: new NanoBanana(),
		parameters,
		credentials: doubleCredentials(double, options.credential, options.credentialId),
		credentialTypes,
		items: options.items,
		continueOnFail: options.continueOnFail,
		binaryMode: options.binaryMode,
		signal: options.signal,
		typeVersion: options.typeVersion,
	});
}

/** An input item holding real images under the given binary property names. */
export function imageItem(
	images: Record<string, { width: number; height: number; format?: 'png' | 'jpeg' }>,
): InputItem {
	const binary: NonNullable<InputItem['binary']> = {};
	let seed = 1;
	for (const [name, { width, height, format = 'png' }] of Object.entries(images)) {
		const data = format === 'png' ? encodePng(width, height, seed++) : encodeJpeg(width, height, seed++);
		binary[name] = { data, mimeType: format === 'png' ? 'image/png' : 'image/jpeg', fileName: `${name}.${format === 'png' ? 'png' : 'jpg'}` };
	}
	return { json: {}, binary };
}

/** Every string in a value, deeply: to search errors and items for the API key. */
export function serialiseDeep(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, v: unknown) => {
		if (typeof v === 'object' && v !== null) {
			if (seen.has(v)) return '[circular]';
			seen.add(v);
			if (v instanceof Error) {
				const own: Record<string, unknown> = {};
				for (const k of Object.getOwnPropertyNames(v)) own[k] = (v as unknown as Record<string, unknown>)[k];
				return own;
			}
		}
		return v;
	});
}

/**
 * One provider double for the test file: started before the first test, reset after each,
 * closed (with n8n's background timers) after the last. Use it as the double itself.
 */
export function useProviderDouble(): ProviderDouble {
	let current: ProviderDouble | undefined;
	beforeAll(async () => {
		current = await startProviderDouble();
	});
	afterEach(() => current?.reset());
	afterAll(async () => {
		await current?.close();
		await shutdownN8n();
	});
	return new Proxy({} as ProviderDouble, {
		get(_target, property) {
			if (!current) throw new Error('The provider double is used before beforeAll started it');
			return Reflect.get(current, property, current);
		},
	});
}
