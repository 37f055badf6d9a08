/**
 * Google Vertex AI through n8n-core's real workflow execution against the provider double's Vertex
 * route (test/double/vertexRoute.ts): the service account's token (signed, cached, shared, fetched
 * once for a batch, refreshed once when it lapses), Express Mode, the project's and the location's
 * addresses, the Vertex-only output options, gs:// links, and every failure with what to fix.
 */
import { generateKeyPairSync } from 'node:crypto';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { hostFor } from '../../nodes/NanoBanana/route/googleCloudConnection';
import { CURRENT_DEFAULT } from '../../nodes/NanoBanana/models/catalogue';
import { bigPng } from '../concurrency/bigImage';
import { promptItems } from '../concurrency/batch';
import { encodePng, readImageSize } from '../double/images';
import type { RecordedRequest } from '../double/providerDouble';
import type { RunNanoOptions } from '../helpers/nanoBanana';
import { runNanoBanana, serialiseDeep, useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();

const PROMPT = 'A product photo of a yellow ceramic mug';
const generate = (extra: Record<string, unknown> = {}): INodeParameters => ({ provider: 'vertexAi', operation: 'generate', prompt: PROMPT, ...extra });

/**
 * A service account key of its own (the token cache is per key, for the whole process): the same
 * account and private key, its token_uri at the double with a query that names it.
 */
let keys = 0;
function ownKey(overrides: Record<string, unknown> = {}): ICredentialDataDecryptedObject {
	const tokenUri = `${double.url}/vertex/token?key=${++keys}`;
	return { authentication: 'serviceAccount', serviceAccountKey: double.vertex.serviceAccountKey({ token_uri: tokenUri, ...overrides }), location: 'global', projectId: '', baseUrl: double.baseUrlFor('vertex') };
}

async function run(parameters: INodeParameters, credential: ICredentialDataDecryptedObject, options: RunNanoOptions = {}) {
	return await runNanoBanana(double, parameters, { credential, credentialId: `vertex-${keys}`, ...options });
}

const calls = () => double.requests.filter((r) => r.path.includes('/publishers/google/models/'));
const tokenRequests = () => double.requests.filter((r) => r.path === '/token');
const bearerOf = (r: RecordedRequest) => String(r.headers.authorization ?? '').replace(/^Bearer /, '');

describe('Vertex AI with a service account', () => {
	test("signs a token at the key's token_uri, then calls generateContent in the key's project at global", async () => {
		const credential = ownKey();
		const result = await run(generate({ aspectRatio: '16:9' }), credential);
		expect(result.error).toBeUndefined();
		expect(tokenRequests()).toHaveLength(1);
		const [call] = calls();
		expect(call.path).toBe(`/v1/projects/nano-banana-test/locations/global/publishers/google/models/${CURRENT_DEFAULT}:generateContent`);
		expect(call.headers.authorization).toMatch(/^Bearer ya29\.double-/);
		expect(call.headers['x-goog-api-key']).toBeUndefined();
		expect(call.json).toEqual({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } } });
		// The assertion Google's token endpoint verifies: RS256 by the key, iss, aud, scope, an hour.
		const [{ header, claims }] = double.vertex.stats.assertions;
		expect(header).toEqual({ alg: 'RS256' });
		expect(claims).toMatchObject({ iss: double.vertex.clientEmail, aud: `${double.url}/vertex/token?key=${keys}`, scope: 'https://www.googleapis.com/auth/cloud-platform' });
		expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
		const [item] = result.items;
		expect(item.json).toMatchObject({ provider: 'vertexAi', model: CURRENT_DEFAULT });
		expect(readImageSize(item.binary.data.bytes)).toMatchObject({ width: item.json.width, height: item.json.height });
		// Neither the private key nor the token is anywhere in the output.
		const out = serialiseDeep(result.items);
		expect(out).not.toContain(bearerOf(call));
		expect(out).not.toContain('PRIVATE KEY');
	});

	test('the credential\'s Project ID and a regional location shape the address; without a base URL the host is the location\'s', async () => {
		double.vertex.settings.project = 'shop-images-eu';
		const result = await run(generate({ model: 'gemini-3-pro-image' }), { ...ownKey(), projectId: 'shop-images-eu', location: 'europe-west4' });
		expect(result.error).toBeUndefined();
		expect(calls()[0].path).toBe('/v1/projects/shop-images-eu/locations/europe-west4/publishers/google/models/gemini-3-pro-image:generateContent');
		expect(hostFor('europe-west4')).toBe('https://europe-west4-aiplatform.googleapis.com');
		expect(hostFor('global')).toBe('https://aiplatform.googleapis.com');
	});

	test('20 items at Concurrency 6 sign exactly one token, shared by every request', async () => {
		double.settings.latencyMs = 100;
		const result = await run(generate({ prompt: '={{ $json.p }}', options: { concurrency: 6 } }), ownKey(), { items: promptItems(20) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		expect(double.vertex.stats.grants).toBe(1);
		expect(new Set(calls().map(bearerOf)).size).toBe(1);
	});

	test('a second execution on the same key reuses the cached token: no new signature', async () => {
		const credential = ownKey();
		await run(generate(), credential);
		await run(generate(), credential);
		expect(double.vertex.stats.grants).toBe(1);
		expect(calls()).toHaveLength(2);
	});

	test('a token that lapses in the middle of a batch is refreshed once: every image, one new token', async () => {
		double.settings.latencyMs = 100;
		double.vertex.settings.expireTokensAtCall = 8;
		const result = await run(generate({ prompt: '={{ $json.p }}', options: { concurrency: 6 } }), ownKey(), { items: promptItems(20) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		expect(double.vertex.stats.grants).toBe(2);
		expect(double.vertex.stats.unauthorized).toBeGreaterThan(0);
		// Each request turned away was sent once more, with the new token.
		expect(calls().filter((r) => r.path.endsWith(':generateContent'))).toHaveLength(20 + double.vertex.stats.unauthorized);
		expect(new Set(calls().map(bearerOf)).size).toBe(2);
	});

	test('Output Format JPEG with a quality: imageOutputOptions as @google/genai sends it, a JPEG out', async () => {
		const result = await run(generate({ options: { outputMimeType: 'image/jpeg', jpegQuality: 90 } }), ownKey());
		expect(result.error).toBeUndefined();
		expect(calls()[0].json?.generationConfig).toMatchObject({ imageConfig: { imageOutputOptions: { mimeType: 'image/jpeg', compressionQuality: 90 } } });
		expect(result.items[0].binary.data.mimeType).toBe('image/jpeg');
		expect(result.items[0].json.warnings).toBeUndefined();
	});

	test('JPEG Quality with a PNG output: not sent, and the item says so', async () => {
		const result = await run(generate({ options: { outputMimeType: 'image/png', jpegQuality: 60 } }), ownKey());
		expect(result.error).toBeUndefined();
		expect(calls()[0].json?.generationConfig).toMatchObject({ imageConfig: { imageOutputOptions: { mimeType: 'image/png' } } });
		expect(JSON.stringify(calls()[0].json)).not.toContain('compressionQuality');
		expect(result.items[0].binary.data.mimeType).toBe('image/png');
		expect(result.items[0].json.warnings).toEqual([expect.stringMatching(/^JPEG Quality 60 was not sent: it applies to Output Format JPEG only/)]);
	});

	test('Edit with a gs:// link: sent as fileData for Vertex AI to read, nothing downloaded', async () => {
		double.vertex.storage.set('gs://shop-assets/mugs/yellow.png', { bytes: encodePng(640, 480, 3), mimeType: 'image/png' });
		const result = await run(generate({ operation: 'edit', imageSource: 'url', imageUrls: 'gs://shop-assets/mugs/yellow.png' }), ownKey());
		expect(result.error).toBeUndefined();
		const parts = (calls()[0].json?.contents as Array<{ parts: unknown[] }>)[0].parts;
		expect(parts).toEqual([{ text: PROMPT }, { fileData: { mimeType: 'image/png', fileUri: 'gs://shop-assets/mugs/yellow.png' } }]);
		expect(double.downloads).toHaveLength(0);
	});

	test('inputs too large to send inline: a clear error naming the limit and the gs:// way, before any call', async () => {
		const result = await run(generate({ operation: 'edit', imageProperties: 'big' }), ownKey(), {
			items: [{ json: {}, binary: { big: { data: bigPng(21 * 1024 * 1024, 3), mimeType: 'image/png', fileName: 'big.png' } } }],
		});
		expect(result.error?.message).toMatch(/too large for Google Vertex AI: 2\d MB in one request, where it takes about 20 MB inline \[item 0\]/);
		expect(String(result.error?.description)).toMatch(/gs:\/\//);
		expect(calls()).toHaveLength(0);
	});
});

describe('Vertex AI: what is wrong, said so that the user can fix it', () => {
	test('a key that is not JSON: a NodeOperationError naming the item, before any request', async () => {
		const result = await run(generate(), { ...ownKey(), serviceAccountKey: '{"type": "service_account", "private_key": "-----BEGIN' });
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('The service account key is not valid JSON [item 0]');
		expect(String(result.error?.description)).toMatch(/Paste the whole JSON key file/);
		expect(double.requests).toHaveLength(0);
	});

	test('a private key that is not the account\'s: Google\'s "Invalid JWT Signature", with what to do, never retried', async () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const other = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const result = await run(generate(), ownKey({ private_key: other }));
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Google refused the service account key: invalid_grant: Invalid JWT Signature.');
		expect(String(result.error?.description)).toMatch(/does not belong to this account, or the key was deleted/);
		expect(result.error?.httpCode).toBe('400');
		expect(tokenRequests()).toHaveLength(1);
		expect(calls()).toHaveLength(0);
		expect(serialiseDeep(result.error)).not.toContain('PRIVATE KEY');
	});

	test('a disabled service account', async () => {
		double.vertex.settings.accountDisabled = true;
		const result = await run(generate(), ownKey());
		expect(result.error?.message).toMatch(/Google refused the service account: invalid_grant: Service account is disabled/);
		expect(String(result.error?.description)).toMatch(/Enable it in IAM > Service accounts/);
	});

	test('an account disabled while its token was cached: the 401 asks for a new token, and the refusal is the error', async () => {
		const credential = ownKey();
		expect((await run(generate(), credential)).error).toBeUndefined();
		double.reset();
		double.vertex.settings.accountDisabled = true;
		double.vertex.expireTokens();
		const result = await run(generate(), credential);
		expect(calls()).toHaveLength(1);
		expect(tokenRequests()).toHaveLength(1);
		expect(result.error?.message).toMatch(/Google refused the service account: invalid_grant: Service account is disabled/);
		expect(String(result.error?.description)).toMatch(/Enable it in IAM > Service accounts/);
	});

	test('the API not enabled in the project (403 SERVICE_DISABLED): the link that enables it', async () => {
		double.vertex.settings.serviceDisabled = true;
		const result = await run(generate(), ownKey());
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('403');
		expect(result.error?.message).toMatch(/Vertex AI API has not been used in project nano-banana-test/);
		expect(String(result.error?.description)).toMatch(/^Enable the aiplatform\.googleapis\.com API for projects\/nano-banana-test: https:\/\/console\.developers\.google\.com\/apis\/api\/aiplatform\.googleapis\.com\/overview\?project=nano-banana-test/);
		expect(serialiseDeep(result.error)).not.toMatch(/ya29\.double-/);
	});

	test('a project the account may not use: the role to grant', async () => {
		const result = await run(generate(), { ...ownKey(), projectId: 'someone-elses-project' });
		expect(result.error?.httpCode).toBe('403');
		expect(String(result.error?.description)).toMatch(/Vertex AI User role \(roles\/aiplatform\.user\)/);
	});

	test('a key without a project and no Project ID', async () => {
		const result = await run(generate(), ownKey({ project_id: undefined }));
		expect(result.error?.message).toBe('The Vertex AI credential names no project [item 0]');
	});

	test('a model Vertex AI does not serve: named, in its words', async () => {
		const result = await run(generate({ model: 'gemini-9-imaginary-image' }), ownKey());
		expect(result.error?.message).toMatch(/Google Vertex AI has no model "gemini-9-imaginary-image": Publisher Model/);
	});

	test('a gs:// link on a route that cannot read Cloud Storage', async () => {
		const result = await runNanoBanana(double, { provider: 'google', operation: 'edit', prompt: PROMPT, imageSource: 'url', imageUrls: 'gs://shop-assets/mug.png' });
		expect(result.error?.message).toBe('"Image URLs": gs://shop-assets/mug.png is a Cloud Storage link, which Google Gemini API (AI Studio) cannot read [item 0]');
		expect(double.requests).toHaveLength(0);
	});

	test('Output Format shows for Vertex AI only: n8n leaves a hidden option out, so another route never gets it', async () => {
		const result = await runNanoBanana(double, { provider: 'google', operation: 'generate', prompt: PROMPT, options: { outputMimeType: 'image/jpeg' } });
		expect(result.error).toBeUndefined();
		expect(JSON.stringify(double.requests[0].json)).not.toMatch(/imageOutputOptions|image\/jpeg/);
	});
});

describe('Vertex AI Express Mode', () => {
	test('the API key in x-goog-api-key on the publisher address, no project, no token', async () => {
		const result = await run(generate(), { authentication: 'expressApiKey', apiKey: double.apiKey, baseUrl: double.baseUrlFor('vertex') });
		expect(result.error).toBeUndefined();
		const [call] = calls();
		expect(call.path).toBe(`/v1/publishers/google/models/${CURRENT_DEFAULT}:generateContent`);
		expect(call.headers['x-goog-api-key']).toBe(double.apiKey);
		expect(call.headers.authorization).toBeUndefined();
		expect(tokenRequests()).toHaveLength(0);
		expect(serialiseDeep(result.items)).not.toContain(double.apiKey);
	});

	test('a wrong key: Google\'s words and the hint, the key nowhere in the error', async () => {
		const result = await run(generate(), { authentication: 'expressApiKey', apiKey: 'AQ.wrong-express-key-000', baseUrl: double.baseUrlFor('vertex') });
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.message).toMatch(/API key not valid/);
		expect(String(result.error?.description)).toMatch(/Google did not accept the API key/);
		expect(serialiseDeep(result.error)).not.toContain('AQ.wrong-express-key-000');
	});
});
