/**
 * The Vertex AI credential's test ("Test" in the credential dialog, and n8n's check on save), run
 * with n8n-core's own CredentialTestContext (its real `request` helper) against the provider
 * double: it must prove the key and the project, and say what to fix when either is wrong.
 */
import { generateKeyPairSync } from 'node:crypto';

import { Container } from '@n8n/di';
import { CredentialTestContext } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';
import { CURRENT_DEFAULT } from '../../nodes/NanoBanana/models/catalogue';
import { useProviderDouble } from '../helpers/nanoBanana';

const double = useProviderDouble();
// The context makes n8n-core's SSH tunnel manager, whose cleanup timer n8n stops on shutdown: stop it too.
afterAll(() => Container.get(SSHClientsManager).onShutdown());
const nodeTest = new NanoBanana().methods.credentialTest.vertexAiConnectionTest;

let keys = 0;
/** A key of its own per test: the token cache is per key for the whole process. */
function serviceAccount(overrides: Record<string, unknown> = {}, fields: Record<string, string> = {}): ICredentialDataDecryptedObject {
	const key = double.vertex.serviceAccountKey({ token_uri: `${double.url}/vertex/token?test=${++keys}`, ...overrides });
	return { authentication: 'serviceAccount', serviceAccountKey: key, projectId: '', location: 'global', baseUrl: double.baseUrlFor('vertex'), ...fields };
}

async function testCredential(data: ICredentialDataDecryptedObject) {
	const result = await nodeTest.call(new CredentialTestContext(), { id: 'c1', name: 'Vertex', type: 'vertexAiImageApi', data });
	return { ...result, asked: double.requests.map((r) => `${r.method} ${r.path}`) };
}

const countTokens = (project: string) => `POST /v1/projects/${project}/locations/global/publishers/google/models/${CURRENT_DEFAULT}:countTokens`;

describe('the Vertex AI credential test', () => {
	test('a good service account: it signs a token, then counts tokens in the project with it', async () => {
		const result = await testCredential(serviceAccount());
		expect(result).toMatchObject({ status: 'OK' });
		expect(result.asked).toEqual(['POST /token', countTokens('nano-banana-test')]);
		const count = double.requests[1];
		expect(count.headers.authorization).toMatch(/^Bearer ya29\.double-/);
		expect(count.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'banana' }] }] });
	});

	test('a project the account may not use: Error, with the role to grant, the token nowhere', async () => {
		const result = await testCredential(serviceAccount({}, { projectId: 'someone-elses-project' }));
		expect(result.status).toBe('Error');
		expect(result.asked).toEqual(['POST /token', countTokens('someone-elses-project')]);
		expect(result.message).toMatch(/403/);
		expect(result.message).toMatch(/roles\/aiplatform\.user/);
		const token = String(double.requests[1].headers.authorization).replace(/^Bearer /, '');
		expect(result.message).not.toContain(token);
	});

	test('the API not enabled: Error, with the link that enables it', async () => {
		double.vertex.settings.serviceDisabled = true;
		const result = await testCredential(serviceAccount());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/SERVICE_DISABLED|not been used in project/);
		expect(result.message).toContain('https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=nano-banana-test');
	});

	test('a private key that is not the account\'s: Error from the token endpoint, no model call', async () => {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const result = await testCredential(serviceAccount({ private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }));
		expect(result.status).toBe('Error');
		expect(result.asked).toEqual(['POST /token']);
		expect(result.message).toMatch(/Invalid JWT Signature/);
		expect(result.message).not.toContain('PRIVATE KEY');
	});

	test('a key that is not JSON: Error saying so, nothing sent', async () => {
		const result = await testCredential({ ...serviceAccount(), serviceAccountKey: '{"type": "service_account", "private_key": "-----BEGIN' });
		expect(result.status).toBe('Error');
		expect(result.asked).toEqual([]);
		expect(result.message).toMatch(/JSON/);
		expect(result.message).not.toContain('BEGIN');
	});

	test('Express Mode: the right key is OK, a wrong one is an Error that does not repeat it', async () => {
		const express = (apiKey: string) => ({ authentication: 'expressApiKey', apiKey, location: 'global', baseUrl: double.baseUrlFor('vertex') });
		const good = await testCredential(express(double.apiKey));
		expect(good.status).toBe('OK');
		expect(good.asked).toEqual([`POST /v1/publishers/google/models/${CURRENT_DEFAULT}:countTokens`]);
		expect(double.requests[0].headers['x-goog-api-key']).toBe(double.apiKey);
		double.reset();
		const bad = await testCredential(express('AQ.wrong-express-key-123'));
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/API key not valid/);
		expect(bad.message).not.toContain('AQ.wrong-express-key-123');
	});
});
