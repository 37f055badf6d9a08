/**
 * Provider double: a real HTTP server on 127.0.0.1 that imitates the four OpenAI-style image
 * gateways of /work/shared/seeds, written from those documents alone (it imports nothing from
 * nodes/ or credentials/), so tests can assert on what a gateway would have received and parsed.
 *
 *   const double = await startProviderDouble();
 *   // base URL of a dialect: double.baseUrlFor('gptGe') === `${double.url}/gptGe`
 *   ...
 *   await double.close();
 *
 * Other prefixes have routes of their own: `google` (Google's Gemini API, geminiRoute.ts), `vertex`
 * (Vertex AI: its token endpoint and the project and Express addresses, vertexRoute.ts) and
 * `openRouter` (chat completions, chatRoute.ts).
 *
 * Dialects (path prefix): `gptGe` (V-API, seeds 000/001), `openai` (generic, seed 002), `theTurbo`
 * (seed 003), `tuZi` (seed 004). Routes under each prefix:
 *   GET  /v1/models               {"object":"list","data":[{"id","object":"model",...}]}
 *   POST /v1/images/generations   JSON body (anything else: 400)
 *   POST /v1/images/edits         multipart/form-data, parsed with busboy (anything else: 400)
 * Every route wants `Authorization: Bearer <apiKey>` (else 401 invalid_api_key, the key received is
 * never echoed). theTurbo's image routes also want `Accept` to include `application/json` (406).
 * Unknown paths or methods: 404 `Invalid URL (METHOD /path)`.
 *
 * What is checked (400, OpenAI-style `{"error":{message,type,param,code}}`): `model` and `prompt`
 * present and non-empty; edits: an image on gptGe and tuZi (theTurbo and openai allow none); gptGe
 * at most 6 images; theTurbo at most 3 for gemini-2.5-flash-image, 14 otherwise; every image (and
 * tuZi's/gptGe's `mask`) must be a PNG, JPEG or WebP; `n` an integer 1..10 (gptGe, tuZi, openai;
 * theTurbo ignores `n` and answers one image); `response_format` `url` or `b64_json` where the
 * dialect has it; the resulting size at most 8192 a side and about 17 Mpx.
 *
 * Image fields: gptGe and tuZi read files named `image` only (their documents); theTurbo and openai
 * read `image` and `image[]`. A part without a filename (and not application/octet-stream) is a text
 * field, as in any multipart parser: send images with a filename.
 *
 * Size of the answered image (ratio table at 1K; 2K doubles each side, 4K quadruples):
 *   gptGe   ids ending -2k/-4k fix the tier, ratio from `size`; other ids containing `pro`: tier from
 *           `size` (1k/2k/4k), ratio from `aspect_ratio`; the rest (flash): ratio from `size`
 *           (a ratio, or {w}x{h} mapped to the nearest ratio), always 1K.
 *   theTurbo ratio from `aspect_ratio`, tier from `image_size` (1K/2K/4K).
 *   tuZi    `size` {w}x{h} as given, multiplied by `quality` 1k/2k/4k (1/2/4) when present;
 *           `gemini-3-pro-image-preview-hd` always multiplies by 4; no usable size: ratio table.
 *   openai  `size` {w}x{h} as given, or a ratio (1K).
 * A value the dialect does not understand is ignored (as gateways do). No ratio: the first input
 * image's ratio (nearest in the table) on edits, else 1:1.
 *
 * Answer: `{"created", "data":[{"url"}|{"b64_json"}...], "usage"?}`. Format: gptGe `url` for
 * `nano-banana*` ids, `b64_json` otherwise, and `gemini-2.5-flash-image` always b64_json; tuZi and
 * openai `url` unless `response_format` says `b64_json`; theTurbo always `b64_json`.
 * `settings.answer` overrides all of that (`data_url` answers `url: "data:image/png;base64,..."`).
 * URLs point at `fileHostUrl` (another port, so another origin) `/files/<id>.png|jpg`, kept in memory
 * until reset(); every request to that host is recorded in `downloads`. `usage` is added on gptGe
 * generations and everywhere when `settings.usage` is true.
 *
 * Scripted answers (`enqueue`): each API request takes the first queued entry whose `match` passes
 * (or that has none). `dropConnection` destroys the socket without a byte; `status`/`body` replace
 * the answer (a status >= 400 without body gets an OpenAI-style error body; a status < 400 without
 * body keeps the normal answer under that status); an entry with neither still delays/adds headers
 * to the normal answer; `dropMidBody` sends the headers (with the full content-length) and half the
 * body, then destroys the socket. The answer goes out `settings.latencyMs` + `delayMs` after the
 * request's body has arrived (it is made during that wait, as a gateway generates). Scripted
 * entries win over auth and validation (the request is still recorded).
 *
 * `canned` holds ready ScriptedResponses for the "no image came back" shapes of N8N-NOTES.md and for
 * busy upstreams. `ERROR_BODIES` documents the exact error bodies.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatRoute, openRouterModels } from './chatRoute';
import { ERROR_BODIES, errorBody, internalError } from './doubleErrors';
import type { Answer } from './doubleKit';
import { HttpError, headerValue, jsonAnswer } from './doubleKit';
import type { Prefix, ProviderDouble, RecordedRequest, ScriptedResponse, DoubleSettings, StoredFile } from './doubleTypes';
import { DEFAULT_API_KEY, MODELS, PREFIXES } from './doubleTypes';
import { createGeminiRoute } from './geminiRoute';
import { createVertexRoute } from './vertexRoute';
import { contentTypeFor, createImagesRoute } from './imagesRoute';
import type { ParsedBody } from './multipart';
import { parseMultipart, readBody } from './multipart';

export * from './doubleTypes';
export { ERROR_BODIES, canned } from './doubleErrors';
export function startProviderDouble(
	opts: Partial<{ apiKey: string; latencyMs: number }> = {},
): Promise<ProviderDouble> {
	const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
	const defaultSettings = (): DoubleSettings => ({
		latencyMs: opts.latencyMs ?? 0,
		imageFormat: 'png',
		answer: 'auto',
		usage: false,
		chatAnswer: 'images',
		maxInFlight: 0,
		limitRetryAfter: 1,
	});
	const requests: RecordedRequest[] = [];
	const limit = { rejected: 0, peak: 0, inFlight: 0 };
	const downloads: ProviderDouble['downloads'] = [];
	const files = new Map<string, StoredFile>();
	const fileFaults = new Map<string, number[]>();
	const redirects = new Map<string, string>();
	const queue: ScriptedResponse[] = [];
	const timers = new Set<NodeJS.Timeout>();
	let closed = false;
	let fileHostUrl = '';

	const double = {
		url: '',
		fileHostUrl: '',
		apiKey,
		requests,
		limit,
		downloads,
		files,
		fileFaults,
		redirects,
		settings: defaultSettings(),
	} as ProviderDouble;

	const sleep = (ms: number): Promise<void> =>
		ms > 0
			? new Promise((resolve) => {
					const t = setTimeout(() => {
						timers.delete(t);
						resolve();
					}, ms);
					timers.add(t);
				})
			: Promise.resolve();

	const takeScripted = (record: RecordedRequest): ScriptedResponse | undefined => {
		for (let i = 0; i < queue.length; i++) {
			const entry = queue[i];
			let ok = true;
			if (entry.match) {
				try {
					ok = entry.match(record);
				} catch {
					ok = false;
				}
			}
			if (ok) {
				queue.splice(i, 1);
				return entry;
			}
		}
		return undefined;
	};

	const storeImage = (bytes: Buffer, format: 'png' | 'jpeg'): string => {
		const name = `${randomBytes(12).toString('hex')}.${format === 'png' ? 'png' : 'jpg'}`;
		files.set(name, { bytes, contentType: contentTypeFor(format) });
		return `${fileHostUrl}/files/${name}`;
	};
	const images = createImagesRoute({
		get settings() {
			return double.settings;
		},
		storeImage,
	});

	const routeContext = {
		apiKey,
		get apiUrl() {
			return double.url;
		},
		storeImage: (bytes: Buffer, format: 'png' | 'jpeg') => storeImage(bytes, format),
		get imageFormat() {
			return double.settings.imageFormat;
		},
	};
	const gemini = createGeminiRoute(routeContext);
	const vertex = createVertexRoute(routeContext, gemini);
	const chat = createChatRoute(routeContext, {
		get chatAnswer() {
			return double.settings.chatAnswer;
		},
	});

	const route = (record: RecordedRequest, parsed: ParsedBody, raw: Buffer): Answer => {
		const notFound = new HttpError(
			404,
			errorBody(`Invalid URL (${record.method} ${record.path})`, 'not_found'),
		);
		const dialect = record.dialect;
		if (!dialect) throw notFound;
		if (dialect === 'google' || dialect === 'vertex') {
			const { method, path, headers, json } = record;
			return (dialect === 'google' ? gemini : vertex).handle({ method, path, query: new URLSearchParams(record.query), headers, raw, json });
		}
		const isModels = record.method === 'GET' && record.path === '/v1/models';
		const isChat = record.method === 'POST' && record.path === '/v1/chat/completions';
		// OpenRouter's model list needs no key, as on openrouter.ai.
		if (dialect === 'openRouter' && isModels) return openRouterModels(new URLSearchParams(record.query));
		const isKey = dialect === 'openRouter' && record.method === 'GET' && record.path === '/v1/key';
		const isGenerations = dialect !== 'openRouter' && record.method === 'POST' && record.path === '/v1/images/generations';
		const isEdits = dialect !== 'openRouter' && record.method === 'POST' && record.path === '/v1/images/edits';
		if (!isModels && !isGenerations && !isEdits && !isChat && !isKey) throw notFound;
		const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(record.headers.authorization));
		if (!m || m[1] !== apiKey) throw new HttpError(401, ERROR_BODIES.invalidApiKey);
		if (isKey) return jsonAnswer(200, { data: { label: 'double key', usage: 0, limit: null, is_free_tier: false } });
		if (isChat) return chat(parsed.kind === 'json' ? record.json : undefined, dialect === 'openRouter');
		if (dialect === 'openRouter') throw notFound;
		if (isModels) {
			return jsonAnswer(200, {
				object: 'list',
				data: MODELS[dialect].map((id) => ({ id, object: 'model', created: 1735689600, owned_by: dialect })),
			});
		}
		return images(dialect, isGenerations ? 'generations' : 'edits', record, parsed);
	};

	const answerOf = (record: RecordedRequest, parsed: ParsedBody, raw: Buffer): Answer => {
		try {
			return route(record, parsed, raw);
		} catch (e) {
			if (e instanceof HttpError) return jsonAnswer(e.status, e.body, e.headers);
			const message = e instanceof Error ? e.message : String(e);
			return internalError(message);
		}
	};

	const scriptedAnswer = (s: ScriptedResponse, status: number): Answer => {
		const body = s.body;
		let answer: Answer;
		if (body === undefined) {
			const message = `${http.STATUS_CODES[status] ?? 'Error'} (scripted)`;
			answer = jsonAnswer(status, errorBody(message, status, null, 'scripted_error'));
		} else if (Buffer.isBuffer(body)) {
			answer = { status, headers: { 'content-type': 'application/octet-stream' }, body };
		} else if (typeof body === 'string') {
			let isJson = false;
			try {
				JSON.parse(body);
				isJson = true;
			} catch {
				isJson = false;
			}
			answer = {
				status,
				headers: { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' },
				body: Buffer.from(body),
			};
		} else {
			answer = jsonAnswer(status, body);
		}
		return answer;
	};

	const send = (res: http.ServerResponse, answer: Answer, dropMidBody: boolean): void => {
		if (res.destroyed || res.writableEnded) return;
		const headers: Record<string, string> = { ...answer.headers };
		const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
		lowered['content-length'] = String(answer.body.length);
		res.writeHead(answer.status, lowered);
		if (!dropMidBody) {
			res.end(answer.body);
			return;
		}
		const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
		res.flushHeaders();
		res.write(half, () => {
			const t = setTimeout(() => {
				timers.delete(t);
				res.socket?.destroy();
				res.destroy();
			}, 20);
			timers.add(t);
		});
	};

	const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const segments = url.pathname.split('/');
		const prefix = segments[1] ?? '';
		const dialect = (PREFIXES as readonly string[]).includes(prefix) ? (prefix as Prefix) : undefined;
		const path = dialect ? `/${segments.slice(2).join('/')}` : url.pathname;
		const record: RecordedRequest = {
			dialect,
			method: req.method ?? 'GET',
			path,
			query: url.search.replace(/^\?/, ''),
			headers: { ...req.headers },
			contentType: req.headers['content-type'],
			rawBodyLength: 0,
		};
		requests.push(record);
		const limited = double.settings.maxInFlight > 0 && limit.inFlight >= double.settings.maxInFlight;
		if (!limited) {
			limit.inFlight++;
			limit.peak = Math.max(limit.peak, limit.inFlight);
			res.once('close', () => limit.inFlight--);
		}
		const raw = await readBody(req);
		const arrived = performance.now();
		if (limited) {
			limit.rejected++;
			const retryAfter = double.settings.limitRetryAfter;
			const body = errorBody('Rate limit reached: too many requests in flight for this account.', 'rate_limit_exceeded', null, 'rate_limit_error');
			send(res, jsonAnswer(429, body, retryAfter > 0 ? { 'retry-after': String(retryAfter) } : {}), false);
			return;
		}
		record.rawBodyLength = raw.length;
		const parsed: ParsedBody = { kind: 'none' };
		const ct = (record.contentType ?? '').toLowerCase();
		if (raw.length > 0 || ct) {
			if (/^application\/([\w.+-]+\+)?json\b/.test(ct)) {
				try {
					const value: unknown = JSON.parse(raw.toString('utf8'));
					if (value && typeof value === 'object' && !Array.isArray(value)) {
						record.json = value as Record<string, unknown>;
						parsed.kind = 'json';
					} else {
						parsed.kind = 'other';
						parsed.error = 'the body is not a JSON object';
					}
				} catch (e) {
					parsed.kind = 'other';
					parsed.error = e instanceof Error ? e.message : String(e);
				}
			} else if (ct.startsWith('multipart/form-data')) {
				try {
					await parseMultipart(req.headers, raw, record);
					parsed.kind = 'multipart';
				} catch (e) {
					parsed.kind = 'other';
					parsed.error = e instanceof Error ? e.message : String(e);
				}
			} else {
				parsed.kind = 'other';
			}
		}
		const scripted = takeScripted(record);
		const wait = double.settings.latencyMs + (scripted?.delayMs ?? 0);
		if (scripted?.dropConnection) {
			await sleep(wait);
			if (!closed) req.socket.destroy();
			return;
		}
		// The answer is made while the latency runs, as a gateway generates while the client waits:
		// it goes out `wait` ms after the request arrived, however long making it took.
		let answer: Answer;
		if (scripted && scripted.body !== undefined) {
			answer = scriptedAnswer(scripted, scripted.status ?? 200);
		} else if (scripted?.status !== undefined && scripted.status >= 400) {
			answer = scriptedAnswer(scripted, scripted.status);
		} else {
			answer = answerOf(record, parsed, raw);
			if (scripted?.status !== undefined) answer.status = scripted.status;
		}
		if (scripted?.headers) answer.headers = { ...answer.headers, ...scripted.headers };
		await sleep(wait - (performance.now() - arrived));
		if (closed || res.destroyed) return;
		send(res, answer, scripted?.dropMidBody === true);
	};

	const handleFile = (req: http.IncomingMessage, res: http.ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		downloads.push({ path: url.pathname, headers: { ...req.headers } });
		req.resume();
		const m = /^\/files\/([^/]+)$/.exec(url.pathname);
		const redirect = m ? redirects.get(m[1]) : undefined;
		if (redirect !== undefined) {
			res.writeHead(302, { location: redirect, 'content-type': 'text/plain; charset=utf-8' });
			res.end('Moved');
			return;
		}
		const fault = m ? fileFaults.get(m[1])?.shift() : undefined;
		if (fault !== undefined) {
			res.writeHead(fault, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '0' });
			res.end('Try again');
			return;
		}
		const file = m ? files.get(m[1]) : undefined;
		if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
			res.end('Not Found');
			return;
		}
		res.writeHead(200, {
			'content-type': file.contentType,
			'content-length': String(file.bytes.length),
			'cache-control': 'private, max-age=3600',
		});
		res.end(req.method === 'HEAD' ? undefined : file.bytes);
	};

	const api = http.createServer((req, res) => {
		res.on('error', () => undefined);
		handleApi(req, res).catch((e: unknown) => {
			try {
				const message = e instanceof Error ? e.message : String(e);
				send(res, internalError(message), false);
			} catch {
				res.destroy();
			}
		});
	});
	const fileHost = http.createServer((req, res) => {
		res.on('error', () => undefined);
		try {
			handleFile(req, res);
		} catch {
			res.destroy();
		}
	});
	for (const server of [api, fileHost]) {
		server.on('clientError', (_err, socket) => {
			if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else socket.destroy();
		});
	}

	const listen = (server: http.Server): Promise<string> =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				server.off('error', reject);
				const address = server.address() as AddressInfo;
				resolve(`http://127.0.0.1:${address.port}`);
			});
		});

	const closeServer = (server: http.Server): Promise<void> =>
		new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});

	double.baseUrlFor = (d: Prefix): string => `${double.url}/${d}`;
	double.gemini = gemini;
	double.vertex = vertex;
	double.enqueue = (...responses: ScriptedResponse[]): void => {
		queue.push(...responses);
	};
	double.reset = (): void => {
		requests.length = 0;
		limit.rejected = 0;
		limit.peak = limit.inFlight;
		downloads.length = 0;
		queue.length = 0;
		files.clear();
		fileFaults.clear();
		redirects.clear();
		gemini.reset();
		vertex.reset();
		Object.assign(double.settings, defaultSettings());
	};
	double.close = async (): Promise<void> => {
		if (closed) return;
		closed = true;
		for (const t of timers) clearTimeout(t);
		timers.clear();
		await Promise.all([closeServer(api), closeServer(fileHost)]);
	};

	return (async () => {
		double.url = await listen(api);
		try {
			fileHostUrl = await listen(fileHost);
		} catch (e) {
			await closeServer(api);
			throw e;
		}
		double.fileHostUrl = fileHostUrl;
		return double;
	})();
}
