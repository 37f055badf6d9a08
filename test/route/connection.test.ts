/**
 * The credential seam (route/connection.ts): what a provider's credential turns into, and the one
 * base-URL rule in both its forms (the node's function, the credentials' test expression).
 */
import { BASE_URL_EXPRESSION, normalizeBaseUrl } from '../../nodes/NanoBanana/route/baseUrl';
import { connectionOf } from '../../nodes/NanoBanana/route/connection';
import { PROVIDERS } from '../../nodes/NanoBanana/route/providers';

/** A connection, or the test fails on the credential's problem. */
function open(...args: Parameters<typeof connectionOf>) {
	const c = connectionOf(...args);
	if ('hint' in c) throw new Error(c.message);
	return c;
}

describe('connectionOf', () => {
	const base = { apiKey: 'sk-secret-1234', baseUrl: 'https://gw.example/v1/', maxConcurrency: 0 };

	test('a seed gateway: base URL without /v1, the key as the secret to scrub, its own dialect, no account cap', () => {
		const c = open(PROVIDERS.gptGe, base);
		expect(c).toMatchObject({ baseUrl: 'https://gw.example', credentialType: 'gptGeApi', secrets: ['sk-secret-1234'], format: 'openAiImages', account: undefined });
		expect(c.dialect.id).toBe('gptGe');
	});

	test('a generic gateway: endpoint and dialect are the credential\'s', () => {
		expect(open(PROVIDERS.openAiCompatible, { ...base, endpoint: 'chatCompletions' }).format).toBe('chatCompletions');
		expect(open(PROVIDERS.openAiCompatible, { ...base, dialect: 'theTurbo' }).dialect.id).toBe('theTurbo');
		// A provider with a wire format of its own keeps it whatever the credential holds.
		expect(open(PROVIDERS.google, { ...base, endpoint: 'chatCompletions' }).format).toBe('geminiGenerateContent');
	});

	test('the account: one per credential and key, with the cap', () => {
		const ref = { id: 'c1', name: 'Shop' };
		const a = open(PROVIDERS.tuZi, { ...base, maxConcurrency: 4 }, ref);
		const sameKey = open(PROVIDERS.tuZi, { ...base, maxConcurrency: 6 }, ref);
		const otherKey = open(PROVIDERS.tuZi, { ...base, apiKey: 'sk-other-5678', maxConcurrency: 4 }, ref);
		const otherCredential = open(PROVIDERS.tuZi, { ...base, maxConcurrency: 4 }, { id: 'c2', name: 'Shop' });
		expect(a.account?.cap).toBe(4);
		expect(sameKey.account?.key).toBe(a.account?.key);
		expect(otherKey.account?.key).not.toBe(a.account?.key);
		expect(otherCredential.account?.key).not.toBe(a.account?.key);
		expect(a.account?.key).not.toContain('sk-secret-1234');
		expect(open(PROVIDERS.tuZi, { ...base, maxConcurrency: 500 }).cap).toBe('invalid');
	});
});

describe('one base-URL rule', () => {
	// The credentials' test requests run this expression in n8n; the node runs the function.
	const body = /^=\{\{(.*)\}\}$/s.exec(BASE_URL_EXPRESSION)?.[1] as string;
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the expression is ours, evaluated as n8n would
	const expression = new Function('$credentials', `return ${body};`) as (c: { baseUrl: string }) => string;

	test.each(['https://api.gpt.ge', 'https://api.gpt.ge/', 'https://api.gpt.ge/v1', 'https://api.gpt.ge/v1/', ' https://x.example/V1BETA//', 'https://openrouter.ai/api', 'http://minio:9000/v1beta'])('%j', (typed) => {
		expect(expression({ baseUrl: typed })).toBe(normalizeBaseUrl(typed));
		expect(normalizeBaseUrl(typed)).not.toMatch(/\/$|\/v1(beta)?$/i);
	});
});
