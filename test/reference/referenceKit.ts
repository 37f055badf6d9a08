/**
 * Holding the node's requests to the official clients' (@google/genai, openai): each case runs
 * the node through n8n-core and the client against one capture server, brings both request lists
 * to a comparable view (method, path, query, the headers that matter, the JSON body deep, the
 * multipart parts in order with name, filename, content type and bytes), applies the deliberate
 * differences of `differences.ts` (the only place the two may differ), and expects the views equal.
 */
import { createHash } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';
import type { ProviderId } from '../../nodes/NanoBanana/route/providers';
import { PROVIDERS } from '../../nodes/NanoBanana/route/providers';
import type { InputItem, RunResult } from '../helpers/n8n';
import { runNode, shutdownN8n } from '../helpers/n8n';
import { credentialTypes } from '../helpers/nanoBanana';
import type { CaptureServer, CapturedRequest } from './captureServer';
import { startCaptureServer } from './captureServer';
import type { DifferenceId } from './differences';
import { DIFFERENCES } from './differences';

export const API_KEY = 'reference-key-0123456789';

/** The headers a provider reads; the rest (user agents, client telemetry, connection) are each caller's own. */
export const HEADERS_THAT_MATTER = {
	google: ['x-goog-api-key', 'content-type', 'x-goog-upload-protocol', 'x-goog-upload-command', 'x-goog-upload-header-content-length', 'x-goog-upload-header-content-type', 'x-goog-upload-offset'],
	openAi: ['authorization', 'content-type', 'http-referer', 'x-title'],
	vertex: ['authorization', 'x-goog-api-key', 'content-type'],
} as const;

const digest = (bytes: Buffer) => `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;

/** What a provider sees of one request, in a form `toEqual` can compare and print. */
export function viewOf(request: CapturedRequest, headers: readonly string[]): Record<string, unknown> {
	const picked: Record<string, string> = {};
	for (const name of headers) {
		const value = request.headers[name];
		if (value === undefined) continue;
		// A multipart boundary is each body's own; the type is what counts.
		picked[name] = name === 'content-type' ? value.split(';')[0].trim().toLowerCase() : value;
	}
	const view: Record<string, unknown> = { method: request.method, path: request.path, query: request.query, headers: picked };
	if (request.parts) {
		view.parts = request.parts.map((p) => ({ name: p.name, filename: p.filename, contentType: p.contentType, bytes: p.filename === undefined ? p.bytes.toString('utf8') : digest(p.bytes) }));
	} else if (request.json !== undefined) view.json = request.json;
	else if (request.body.length > 0) view.body = digest(request.body);
	return view;
}

export interface NodeRun {
	provider: ProviderId;
	parameters: Record<string, unknown>;
	items?: InputItem[];
	/** Credential fields beyond the key and the base URL (endpoint, dialect, imageField). */
	credential?: Record<string, string>;
	/** The base URL's path under the server (`/api` for OpenRouter). */
	basePath?: string;
	/** Credential fields that name the server (a service account key's token_uri). */
	credentialAt?: (url: string) => Record<string, string>;
}

export async function runNodeAt(server: CaptureServer, run: NodeRun): Promise<RunResult> {
	const { credentialType } = PROVIDERS[run.provider];
	return await runNode({
		nodeType: new NanoBanana(),
		parameters: { provider: run.provider, ...run.parameters } as INodeParameters,
		credentials: { [credentialType]: { id: `ref-${run.provider}`, name: 'reference', data: { apiKey: API_KEY, baseUrl: `${server.url}${run.basePath ?? ''}`, ...run.credential, ...run.credentialAt?.(server.url) } } },
		credentialTypes,
		items: run.items,
	});
}

export interface ReferenceCase {
	name: string;
	/** The node's run, or several in a chain (each given the server, returning the last run's result). */
	node: NodeRun | ((server: CaptureServer) => Promise<RunResult>);
	/** The same call through the official client, pointed at the server. */
	client: (url: string) => Promise<unknown>;
	headers: readonly string[];
	/** Deliberate differences this case shows (differences.ts); none elsewhere. */
	differences?: DifferenceId[];
}

/** Run both callers, one after the other, and return the two views to compare. */
export async function captureBoth(server: CaptureServer, c: ReferenceCase): Promise<{ node: unknown[]; client: unknown[]; result: RunResult }> {
	server.reset();
	const result = typeof c.node === 'function' ? await c.node(server) : await runNodeAt(server, c.node);
	if (result.error) throw new Error(`The node failed: ${result.error.message} ${result.error.description ?? ''}`);
	let nodeRequests = [...server.requests];
	server.reset();
	await c.client(server.url);
	let clientRequests = [...server.requests];
	for (const id of c.differences ?? []) {
		const applied = DIFFERENCES[id].apply(nodeRequests, clientRequests);
		nodeRequests = applied.node;
		clientRequests = applied.client;
	}
	return { node: nodeRequests.map((r) => viewOf(r, c.headers)), client: clientRequests.map((r) => viewOf(r, c.headers)), result };
}

/** A suite of cases on one capture server: for each, the node's requests equal the client's. */
export function describeReference(title: string, cases: ReferenceCase[]): void {
	let server: CaptureServer;
	beforeAll(async () => {
		server = await startCaptureServer();
	});
	afterAll(async () => {
		await server.close();
		await shutdownN8n();
	});
	describe(title, () => {
		test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
			const { node, client, result } = await captureBoth(server, c);
			expect(node.length).toBeGreaterThan(0);
			expect(node).toEqual(client);
			expect(result.items.length).toBeGreaterThan(0);
		});
	});
}
