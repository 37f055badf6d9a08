/**
 * Tools of the fault suite: small scripted HTTP servers (an image CDN, a redirector), a
 * seeded random source, and the figures that go into docs/reliability.md.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

import { encodePng } from '../double/images';

// ---------------------------------------------------------------------------------------------
// Scripted HTTP servers
// ---------------------------------------------------------------------------------------------

export interface Hit {
	method: string;
	path: string;
	authorization?: string;
	/** Every header, to search for the key. */
	headers: http.IncomingHttpHeaders;
	at: number;
	/** When the client's socket closed (set for hung requests, to see a cancelled download end). */
	closedAt?: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit) => void;

/** A server on 127.0.0.1 that answers from a queue of handlers, then with its fallback. */
export class ScriptedHost {
	url = '';

	readonly hits: Hit[] = [];

	private queue: Handler[] = [];

	private readonly server: http.Server;

	constructor(private readonly fallback: Handler) {
		this.server = http.createServer((req, res) => {
			res.on('error', () => undefined);
			const hit: Hit = {
				method: req.method ?? 'GET',
				path: req.url ?? '/',
				authorization: req.headers.authorization,
				headers: { ...req.headers },
				at: Date.now(),
			};
			this.hits.push(hit);
			req.socket.once('close', () => {
				hit.closedAt = Date.now();
			});
			(this.queue.shift() ?? this.fallback)(req, res, hit);
		});
	}

	/** host:port, as the node names it in messages. */
	get host(): string {
		return new URL(this.url).host;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	enqueue(...handlers: Handler[]): void {
		this.queue.push(...handlers);
	}

	reset(): void {
		this.hits.length = 0;
		this.queue = [];
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/** A PNG for a CDN path: the same bytes every time for the same path. */
export function cdnImage(path: string): Buffer {
	const seed = [...path].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 100_000, 7);
	return encodePng(16, 16, seed);
}

export const handlers = {
	/** The image stored under this path. */
	image: (): Handler => (req, res) => {
		req.resume();
		const bytes = cdnImage(req.url ?? '/');
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) });
		res.end(bytes);
	},
	status:
		(status: number, body = '', headers: Record<string, string> = {}): Handler =>
		(req, res) => {
			req.resume();
			res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
			res.end(body);
		},
	/** Closes the connection without a byte. */
	drop: (): Handler => (req) => {
		req.socket.destroy();
	},
	/** Sends the headers and half the image (with the full content-length), then closes. */
	cutMidBody: (): Handler => (req, res) => {
		req.resume();
		const bytes = cdnImage(req.url ?? '/');
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) });
		res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
	},
	/** Never answers. */
	hang: (): Handler => (req) => {
		req.resume();
	},
	/** Answers after `ms` with the image. */
	slow:
		(ms: number): Handler =>
		(req, res, hit) => {
			const timer = setTimeout(() => handlers.image()(req, res, hit), ms);
			req.socket.once('close', () => clearTimeout(timer));
		},
	redirect:
		(to: (path: string) => string, status = 302): Handler =>
		(req, res) => {
			// Answer once the whole request has arrived, as a gateway or proxy does. Answering
			// a 307 while a streamed multipart body is still being sent makes the client re-send
			// only what it had sent so far (a short body under the full Content-Length), and
			// the suite would test that race instead of where the key goes.
			req.on('end', () => {
				res.writeHead(status, { location: to(req.url ?? '/') });
				res.end();
			});
			req.resume();
		},
};

/** A port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** A plain TCP forwarder from `port` to `target` (started late: the gateway "comes up"). */
export async function forwarder(port: number, target: string): Promise<{ close: () => Promise<void>; connections: () => number }> {
	const { port: targetPort } = new URL(target);
	let count = 0;
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		count++;
		sockets.add(socket);
		const upstream = net.connect(Number(targetPort), '127.0.0.1');
		sockets.add(upstream);
		socket.pipe(upstream).pipe(socket);
		const end = () => {
			socket.destroy();
			upstream.destroy();
		};
		socket.on('error', end);
		upstream.on('error', end);
		socket.on('close', end);
		upstream.on('close', end);
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
	return {
		connections: () => count,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32): the load case picks the same items on every run
// ---------------------------------------------------------------------------------------------

export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------------------------------------
// Figures for docs/reliability.md
// ---------------------------------------------------------------------------------------------

export interface FigureRow {
	section: 'item' | 'batch' | 'route';
	fault: string;
	operation: string;
	options: string;
	outcome: string;
	requests: string;
	downloads: string;
	continueOnFail: string;
}

/** Host names for the servers of a run, so the document names no random port. */
export class HostNames {
	private readonly names = new Map<string, string>();

	set(host: string, name: string): void {
		this.names.set(host, name);
	}

	apply(text: string): string {
		let out = text;
		for (const [host, name] of this.names) out = out.split(host).join(name);
		return out.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
	}
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Rows that differ only in their operation become one row ("generate, edit"). */
function mergeOperations(rows: FigureRow[]): FigureRow[] {
	const merged: FigureRow[] = [];
	const same = (a: FigureRow, b: FigureRow) =>
		(['section', 'fault', 'options', 'outcome', 'requests', 'downloads', 'continueOnFail'] as const).every((k) => a[k] === b[k]);
	for (const row of rows) {
		const twin = merged.find((m) => same(m, row));
		if (twin) twin.operation = `${twin.operation}, ${row.operation}`;
		else merged.push({ ...row });
	}
	return merged;
}

export function renderReliability(rows: FigureRow[], extra: { load: string[]; secrets: string[] }): string {
	const table = (section: FigureRow['section']) =>
		[
			'| Fault injected | Operation | Options | Outcome | API requests | Downloads | Continue On Fail |',
			'|---|---|---|---|---|---|---|',
			...mergeOperations(rows.filter((r) => r.section === section)).map(
				(r) => `| ${[r.fault, r.operation, r.options, r.outcome, r.requests, r.downloads, r.continueOnFail].map(cell).join(' | ')} |`,
			),
		].join('\n');
	const itemRows = rows.filter((r) => r.section === 'item');
	const faults = new Set(itemRows.map((r) => `${r.fault} ${r.options}`)).size;
	return `# Reliability: what the node does when a gateway misbehaves

<!-- Written by test/faults/faults.test.ts from what it observed. Do not edit by hand: run
\`npx jest test/faults\` and commit the result. In CI (\`CI\` set) the suite fails when this file
differs from what it observed. -->

The fault suite runs the Nano Banana node through n8n-core's real workflow engine against the
provider double (\`test/double\`), injects one fault at a time, and checks the outcome, how many
requests reached the gateway (no runaway retries), what was downloaded, and that the API key
appears nowhere: ${faults} faults, each for generate and edit (${itemRows.length} cases), plus
batches, cancellation and a load case. The figures below are what the last run saw; a row
that says "generate, edit" had the same figures for both.

How the rows were run: provider *OpenAI-Compatible Image Gateway* (\`nano-banana\`, base64
answers unless the row says otherwise), **Max Retries 2** (the default) unless *Options* says
otherwise, Concurrency 1. Faults are injected into the requests of one item (*faulted*); a
second, clean item runs next to it with **Continue On Fail** on, and the last column says what
happened to it. An error outcome is also checked without Continue On Fail: the node stops with
that error. Rows marked *whole gateway* change the credential's base URL, so there is no clean
neighbour. Scripted error answers carry \`Retry-After: 0\` unless the row is about waiting, so
the suite does not sit out real backoff.

Retried: HTTP 429, 500, 502, 503, 504; refused, reset or cut-off connections; timeouts; answers
that are not JSON; "busy" errors inside an HTTP 200; an empty \`data\`. Never retried: any other
4xx, a text-only answer (the call was billed), an error inside a 200 that is not "busy", broken
base64 or image bytes. The wait before a retry is \`Retry-After\` (seconds or an HTTP date,
at most 60 s) when the gateway sends one, else exponential backoff with jitter (0.5-1 s, then
1-2 s, 2-4 s ...). A 429 holds back every item of the batch, not just the one that got it.
Image links are downloaded with their own retries, without the API key, following redirects;
only http, https and data links are followed.

## One fault, one item

${table('item')}

## Every route

The same kind of faults on the other wire formats, for Generate, with a clean item next to the
faulted one under Continue On Fail: Google's Gemini API (\`google\`, \`gemini-2.5-flash-image\`),
OpenRouter (\`openRouter\`, \`google/gemini-2.5-flash-image\`) and an OpenAI-compatible gateway
on its chat-completions endpoint (\`gemini-3-pro-image-preview\`). Google's errors are its own
\`{"error": {"code", "message", "status"}}\` bodies (a 429 with a \`RetryInfo\` of 0 s); the chat
routes' are OpenAI-style with \`Retry-After: 0\`. A safety block or a refusal is never retried.

${table('route')}

## Batches

${table('batch')}

## Load

${extra.load.map((line) => `- ${line}`).join('\n')}

## The API key

${extra.secrets.map((line) => `- ${line}`).join('\n')}
`;
}
