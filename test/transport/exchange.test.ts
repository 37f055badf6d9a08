/**
 * The transport's seam for multi-step calls (transport/send.ts, wireFormats/wireFormat.ts): an
 * exchange that submits, polls and collects, each step through the one retry loop and the gate.
 * A poll's "not yet" is the exchange's own state; a 503 on a poll is retried by the loop; the
 * collected answer is read and checked like any other. Runs against a real HTTP server, with the
 * n8n helpers the transport calls stood in for by fetch.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { checkAnswer } from '../../nodes/NanoBanana/answers/answerCheck';
import type { GatewayAnswer } from '../../nodes/NanoBanana/answers/gatewayAnswer';
import type { CallScope } from '../../nodes/NanoBanana/callScope';
import type { Connection } from '../../nodes/NanoBanana/route/connection';
import { PROVIDERS } from '../../nodes/NanoBanana/route/providers';
import type { ItemSettings } from '../../nodes/NanoBanana/settings/itemSettings';
import { RequestGate } from '../../nodes/NanoBanana/transport/requestGate';
import { runExchange } from '../../nodes/NanoBanana/transport/send';
import { DIALECTS } from '../../nodes/NanoBanana/wireFormats/openAiDialects';
import type { WireCall } from '../../nodes/NanoBanana/wireFormats/wireFormat';

interface Seen {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let url = '';
const seen: Seen[] = [];
let polls = 0;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method === 'POST' && req.url === '/jobs') return json(200, { id: 'job1' });
		if (req.url === '/jobs/job1') {
			polls++;
			if (polls === 3) return json(503, { error: { message: 'busy' } });
			return json(200, { state: polls < 4 ? 'RUNNING' : 'DONE' });
		}
		if (req.url === '/jobs/job1/result') return json(200, { images: ['QUJD'] });
		json(404, { error: { message: 'no route' } });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
	seen.length = 0;
	polls = 0;
});

/** n8n's request helpers as the transport calls them, by fetch; which one was used is recorded. */
function fakeContext(used: string[]): IExecuteFunctions {
	const request = async (options: IHttpRequestOptions) => {
		const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
		const response = await fetch(options.url, { method: options.method, headers: options.headers as Record<string, string>, body });
		return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
	};
	return {
		getNode: () => ({ name: 'Nano Banana', type: 'nanoBanana', typeVersion: 2, position: [0, 0], parameters: {}, id: 'n1' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => (used.push('plain'), await request(options)),
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => (used.push('credential'), await request(options)),
		},
	} as unknown as IExecuteFunctions;
}

function scopeFor(used: string[], connection: Partial<Connection> = {}): CallScope {
	const s = { itemIndex: 0, provider: PROVIDERS.google, maxRetries: 2, timeoutMs: 5000 } as ItemSettings;
	const full: Connection = { baseUrl: url, credentialType: 'googleGeminiImageApi', secrets: ['key-1234'], format: 'geminiGenerateContent', dialect: DIALECTS.openai, ...connection };
	return { ctx: fakeContext(used), s, gate: new RequestGate(2), connection: full };
}

/** A queue API: submit, poll until DONE (the exchange's own state), collect the images. */
const queueCall: WireCall = {
	requests: 1,
	warnings: [],
	async exchange(steps) {
		const submitted = await steps.request(async () => ({ method: 'POST', url: `${url}/jobs`, headers: {}, body: { prompt: 'A mug' }, authenticated: true }));
		const { id } = JSON.parse(submitted.body.toString('utf8')) as { id: string };
		for (;;) {
			const poll = await steps.request(async () => ({ method: 'GET', url: `${url}/jobs/${id}`, headers: {}, authenticated: true }));
			if ((JSON.parse(poll.body.toString('utf8')) as { state: string }).state === 'DONE') break;
			await steps.wait(10);
		}
		const read = (json: unknown): GatewayAnswer => ({ images: (json as { images: string[] }).images.map((b64) => ({ b64 })), texts: [] });
		return await steps.answer(async () => ({ method: 'GET', url: `${url}/jobs/${id}/result`, headers: {}, authenticated: true }), read);
	},
};

test('submit, poll while not done (a 503 on a poll retried), collect: one answer with the image', async () => {
	const used: string[] = [];
	const scope = scopeFor(used);
	const answer = await runExchange(scope, queueCall, checkAnswer);
	expect(answer.images).toEqual([{ b64: 'QUJD' }]);
	expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /jobs', 'GET /jobs/job1', 'GET /jobs/job1', 'GET /jobs/job1', 'GET /jobs/job1', 'GET /jobs/job1/result']);
	expect(used.every((u) => u === 'credential')).toBe(true);
	expect(scope.gate.inFlight).toBe(0);
});

test('a collected answer without images is checked like any answer: retried, then the error', async () => {
	const used: string[] = [];
	const empty: WireCall = { requests: 1, warnings: [], exchange: async (steps) => await steps.answer(async () => ({ method: 'GET', url: `${url}/jobs/job1`, headers: {}, authenticated: true }), () => ({ images: [], texts: [] })) };
	const scope = scopeFor(used);
	scope.s = { ...scope.s, maxRetries: 1 };
	await expect(runExchange(scope, empty, checkAnswer)).rejects.toThrow('Google Gemini API (AI Studio) answered without any image');
	expect(seen).toHaveLength(2);
});

test('a route with a token source signs its calls itself: the plain helper with its headers, not the credential', async () => {
	const used: string[] = [];
	const scope = scopeFor(used, { authHeaders: async () => ({ Authorization: 'Bearer token-abc' }) });
	await runExchange(scope, queueCall, checkAnswer);
	expect(used.every((u) => u === 'plain')).toBe(true);
	expect(seen.every((r) => r.headers.authorization === 'Bearer token-abc')).toBe(true);
});
