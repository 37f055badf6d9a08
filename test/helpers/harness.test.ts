/**
 * Self-test of test/helpers/n8n.ts: an inline node and credential type run through the real
 * n8n-core engine against a local HTTP server.
 */
import busboy from 'busboy';
import FormData from 'form-data';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { currentBinaryMode, runNode, shutdownN8n } from './n8n';
import type { RunOptions } from './n8n';

// ---------------------------------------------------------------------------------------------
// Inline credential types and node
// ---------------------------------------------------------------------------------------------

class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';

	displayName = 'Harness Test API';

	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			qs: { region: '={{$credentials.region}}' },
		},
	};
}

class HarnessFnApi implements ICredentialType {
	name = 'harnessFnApi';

	displayName = 'Harness Function API';

	properties: INodeProperties[] = [
		{ displayName: 'Token', name: 'token', type: 'string', default: '' },
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'X-Api-Token': `fn:${credentials.token as string}` },
		};
	}
}

/** What the node saw of the cancel signal in its last run. */
const seen: { cancelSignalAborted?: boolean; cancelSignalPresent?: boolean } = {};

class HarnessTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Test',
		name: 'harnessTest',
		group: ['transform'],
		version: 1,
		description: 'Exercises the harness',
		defaults: { name: 'Harness Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'harnessTestApi', required: true, displayOptions: { show: { auth: ['generic'] } } },
			{ name: 'harnessFnApi', required: true, displayOptions: { show: { auth: ['function'] } } },
		],
		properties: [
			{
				displayName: 'Auth',
				name: 'auth',
				type: 'options',
				options: [
					{ name: 'Generic', value: 'generic' },
					{ name: 'Function', value: 'function' },
				],
				default: 'generic',
			},
			{ displayName: 'URL', name: 'url', type: 'string', default: '', required: true },
			{ displayName: 'Fail On Item', name: 'failOnItem', type: 'number', default: -1 },
			{
				displayName: 'Body Mode',
				name: 'bodyMode',
				type: 'options',
				options: [
					{ name: 'FormData Stream', value: 'stream' },
					{ name: 'Buffer', value: 'buffer' },
				],
				default: 'stream',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const auth = this.getNodeParameter('auth', 0) as string;
		const credentialType = auth === 'function' ? 'harnessFnApi' : 'harnessTestApi';
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const url = this.getNodeParameter('url', i) as string;
				if (this.getNodeParameter('failOnItem', i) === i) {
					throw new NodeOperationError(this.getNode(), `Told to fail on item ${i}`, {
						itemIndex: i,
						description: 'harness failure description',
					});
				}
				const binary = this.helpers.assertBinaryData(i, 'data');
				const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
				let streamMatches: boolean | undefined;
				if (binary.id) {
					const stream = await this.helpers.getBinaryStream(binary.id);
					const chunks: Buffer[] = [];
					for await (const chunk of stream) chunks.push(chunk as Buffer);
					streamMatches = Buffer.concat(chunks).equals(buffer);
				}

				const form = new FormData();
				form.append('prompt', `item ${i}`);
				form.append('image', buffer, {
					filename: binary.fileName ?? 'image.bin',
					contentType: binary.mimeType,
				});
				const signal = this.getExecutionCancelSignal();
				seen.cancelSignalPresent = signal !== undefined;
				let response: IDataObject;
				try {
					const asBuffer = this.getNodeParameter('bodyMode', i) === 'buffer';
					response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method: 'POST',
						url,
						body: asBuffer ? form.getBuffer() : form,
						...(asBuffer ? { headers: form.getHeaders() as IDataObject } : {}),
						json: true,
					})) as IDataObject;
				} finally {
					seen.cancelSignalAborted = signal?.aborted;
				}

				const outBytes = Buffer.from(response.b64 as string, 'base64');
				const outBinary = await this.helpers.prepareBinaryData(outBytes, `out-${i}.png`, 'image/png');
				returnData.push({
					json: {
						index: i,
						inputId: binary.id ?? null,
						inputData: binary.data,
						inputPairedItem: items[i].pairedItem as unknown as IDataObject,
						streamMatches: streamMatches ?? null,
						server: response.received as IDataObject,
					},
					binary: { data: outBinary },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: { error: (error as Error).message },
						pairedItem: { item: i },
					});
					continue;
				}
				throw error;
			}
		}
		return [returnData];
	}
}

// ---------------------------------------------------------------------------------------------
// Local server
// ---------------------------------------------------------------------------------------------

interface Received {
	authorization?: string;
	apiToken?: string;
	query: Record<string, string>;
	contentType?: string;
	contentLength?: string;
	fields: Record<string, string>;
	files: Array<{ field: string; filename: string; mimeType: string; bytes: Buffer }>;
}

const received: Received[] = [];
const statusHits: Array<{ code: string; declaredLength: number; bodyBytes: number }> = [];
const pendingSlow: http.ServerResponse[] = [];
let statusHitArrived: (() => void) | undefined;
let slowRequestArrived: (() => void) | undefined;
let slowRequestClosed: Promise<void> | undefined;
let baseUrl = '';

const server = http.createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	if (url.pathname === '/slow') {
		// Never answers: only the execution's cancel signal can end it.
		pendingSlow.push(res);
		slowRequestClosed = new Promise((resolve) => req.on('close', () => resolve()));
		slowRequestArrived?.();
		return;
	}
	const statusMatch = /^\/status\/(\d{3})$/.exec(url.pathname);
	if (statusMatch) {
		const hit = { code: statusMatch[1], declaredLength: Number(req.headers['content-length'] ?? 0), bodyBytes: 0 };
		statusHits.push(hit);
		statusHitArrived?.();
		req.on('data', (chunk: Buffer) => {
			hit.bodyBytes += chunk.length;
		});
		req.on('end', () => {
			res.writeHead(Number(statusMatch[1]), { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `gateway says ${statusMatch[1]}` } }));
		});
		return;
	}
	const record: Received = {
		authorization: req.headers.authorization,
		apiToken: req.headers['x-api-token'] as string | undefined,
		query: Object.fromEntries(url.searchParams),
		contentType: req.headers['content-type'],
		contentLength: req.headers['content-length'],
		fields: {},
		files: [],
	};
	const parser = busboy({ headers: req.headers });
	parser.on('field', (name, value) => {
		record.fields[name] = value;
	});
	parser.on('file', (field, stream, info) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => {
			record.files.push({
				field,
				filename: info.filename ?? '',
				mimeType: info.mimeType,
				bytes: Buffer.concat(chunks),
			});
		});
	});
	parser.on('close', () => {
		received.push(record);
		const image = record.files[0]?.bytes ?? Buffer.alloc(0);
		const out = Buffer.from(image).reverse();
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				b64: out.toString('base64'),
				received: {
					authorization: record.authorization ?? null,
					prompt: record.fields.prompt ?? null,
					filename: record.files[0]?.filename ?? null,
				},
			}),
		);
	});
	req.pipe(parser);
});

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	for (const res of pendingSlow) res.destroy();
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await shutdownN8n();
});

beforeEach(() => {
	received.length = 0;
	statusHits.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const PNG = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from('fake png body with a NUL \u0000 and bytes \u00ff\u00fe', 'latin1'),
]);

function imageItem(i: number) {
	const data = Buffer.concat([PNG, Buffer.from([i, 0, 255 - i])]);
	return { json: { n: i }, binary: { data: { data, mimeType: 'image/png', fileName: `in-${i}.png` } } };
}

function baseOptions(overrides: Partial<RunOptions> = {}): RunOptions {
	return {
		nodeType: new HarnessTestNode(),
		typeName: 'n8n-nodes-nano-banana-harness.harnessTest',
		parameters: { url: `${baseUrl}/edit` },
		credentials: { harnessTestApi: { data: { apiKey: 'sk-test-123' } } },
		credentialTypes: [new HarnessTestApi(), new HarnessFnApi()],
		items: [imageItem(0)],
		...overrides,
	};
}

describe('runNode through n8n-core', () => {
	test.each(['filesystem', 'default'] as const)(
		'%s mode: Bearer header, intact multipart, output bytes, pairedItem for 3 items',
		async (binaryMode) => {
			const items = [imageItem(0), imageItem(1), imageItem(2)];
			const result = await runNode(baseOptions({ items, binaryMode }));

			expect(result.error).toBeUndefined();
			expect(result.status).toBe('success');
			expect(currentBinaryMode()).toBe(binaryMode);
			expect(result.items).toHaveLength(3);

			// What reached the server: generic authenticate applied, multipart intact.
			expect(received).toHaveLength(3);
			received.forEach((request, i) => {
				expect(request.authorization).toBe('Bearer sk-test-123');
				// `region` is not in the given data: the credential type's default was applied.
				expect(request.query).toEqual({ region: 'eu' });
				expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
				expect(request.contentLength).toBeDefined();
				expect(request.fields).toEqual({ prompt: `item ${i}` });
				expect(request.files).toHaveLength(1);
				expect(request.files[0].field).toBe('image');
				expect(request.files[0].filename).toBe(`in-${i}.png`);
				expect(request.files[0].mimeType).toBe('image/png');
				expect(request.files[0].bytes.equals(items[i].binary.data.data)).toBe(true);
			});

			result.items.forEach((item, i) => {
				// pairedItem of the output, and of the input the node saw.
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json.inputPairedItem).toEqual({ item: i });
				expect(item.json.index).toBe(i);

				// Output binary read back as the right bytes.
				const expected = Buffer.from(items[i].binary.data.data).reverse();
				const out = item.binary.data;
				expect(out.bytes.equals(expected)).toBe(true);
				expect(out.mimeType).toBe('image/png');
				expect(out.fileName).toBe(`out-${i}.png`);
				expect(out.fileExtension).toBe('png');

				if (binaryMode === 'filesystem') {
					// Input was on disk, as an upstream node would have left it.
					expect(item.json.inputId).toMatch(/^filesystem-v2:workflows\/.+\/executions\/.+\/binary_data\//);
					expect(item.json.inputData).toBe('filesystem-v2');
					expect(item.json.streamMatches).toBe(true);
					expect(
						existsSync(Container.get(BinaryDataService).getPath(item.json.inputId as string)),
					).toBe(true);
					expect(out.id).toMatch(/^filesystem-v2:/);
					expect(out.data).toBe('filesystem-v2');
				} else {
					expect(item.json.inputId).toBeNull();
					expect(item.json.inputData).toBe(items[i].binary.data.data.toString('base64'));
					expect(out.id).toBeUndefined();
					expect(out.data).toBe(expected.toString('base64'));
				}
			});
		},
	);

	test('overlapping runs in different binary modes both come out right', async () => {
		const [fs, mem] = await Promise.all([
			runNode(baseOptions({ items: [imageItem(7)], binaryMode: 'filesystem' })),
			runNode(baseOptions({ items: [imageItem(8)], binaryMode: 'default' })),
		]);
		expect(fs.status).toBe('success');
		expect(mem.status).toBe('success');
		expect(fs.items[0].json.inputData).toBe('filesystem-v2');
		expect(fs.items[0].binary.data.id).toMatch(/^filesystem-v2:/);
		expect(mem.items[0].binary.data.id).toBeUndefined();
		expect(fs.items[0].binary.data.bytes.equals(Buffer.from(imageItem(7).binary.data.data).reverse())).toBe(true);
		expect(mem.items[0].binary.data.bytes.equals(Buffer.from(imageItem(8).binary.data.data).reverse())).toBe(true);
	});

	test('function-style authenticate is applied', async () => {
		const result = await runNode(
			baseOptions({
				parameters: { url: `${baseUrl}/edit`, auth: 'function' },
				credentials: { harnessFnApi: { data: { token: 'abc' } } },
			}),
		);
		expect(result.status).toBe('success');
		expect(received).toHaveLength(1);
		expect(received[0].apiToken).toBe('fn:abc');
		expect(received[0].authorization).toBeUndefined();
	});

	test('a thrown NodeOperationError: status error, error is the real object', async () => {
		const result = await runNode(
			baseOptions({
				items: [imageItem(0), imageItem(1)],
				parameters: { url: `${baseUrl}/edit`, failOnItem: 1 },
			}),
		);
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Told to fail on item 1');
		expect(result.error?.description).toBe('harness failure description');
		expect((result.error?.context as IDataObject).itemIndex).toBe(1);
		expect(result.error?.name).toBe('NodeOperationError');
		// The run data holds n8n's own (spread) copy.
		expect(result.runData[result.nodeName][0].error?.message).toBe('Told to fail on item 1');
	});

	test('continueOnFail: the item error becomes output, other items go on', async () => {
		const result = await runNode(
			baseOptions({
				items: [imageItem(0), imageItem(1), imageItem(2)],
				parameters: { url: `${baseUrl}/edit`, failOnItem: 1 },
				continueOnFail: true,
			}),
		);
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json).toEqual({ error: 'Told to fail on item 1' });
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[0].binary.data.bytes.length).toBeGreaterThan(0);
		expect(result.items[2].pairedItem).toEqual({ item: 2 });
	});

	test('HTTP 400 surfaces as NodeApiError with httpCode', async () => {
		const result = await runNode(baseOptions({ parameters: { url: `${baseUrl}/status/400` } }));
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.httpCode).toBe('400');
		expect(statusHits.map((hit) => hit.code)).toEqual(['400']);
	});

	test('HTTP 401: httpRequestWithAuthentication sends the request once more (Buffer body: intact)', async () => {
		const result = await runNode(
			baseOptions({ parameters: { url: `${baseUrl}/status/401`, bodyMode: 'buffer' } }),
		);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.httpCode).toBe('401');
		expect(statusHits).toHaveLength(2);
		for (const hit of statusHits) {
			expect(hit.code).toBe('401');
			expect(hit.bodyBytes).toBe(hit.declaredLength);
			expect(hit.bodyBytes).toBeGreaterThan(PNG.length);
		}
	});

	test('HTTP 401 with a form-data stream body: n8n 2.8 never sends the retry (hangs until cancelled)', async () => {
		const controller = new AbortController();
		const running = runNode(
			baseOptions({ parameters: { url: `${baseUrl}/status/401` }, signal: controller.signal }),
		);
		await new Promise<void>((resolve) => {
			statusHitArrived = resolve;
		});
		statusHitArrived = undefined;
		await new Promise((resolve) => setTimeout(resolve, 500));
		controller.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		expect(statusHits).toHaveLength(1); // the retry with the consumed stream never went out
	});

	test('connection refused surfaces as NodeApiError', async () => {
		const result = await runNode(baseOptions({ parameters: { url: 'http://127.0.0.1:1/x' } }));
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
	});

	test('missing credentials: n8n refuses like it does for real', async () => {
		const result = await runNode(baseOptions({ credentials: {} }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});

	test('unknown credential type: UnrecognizedCredentialTypeError inside NodeApiError', async () => {
		const result = await runNode(baseOptions({ credentialTypes: [] }));
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('Unrecognized credential type: harnessTestApi');
	});

	test('missing required parameter: WorkflowHasIssuesError, no run', async () => {
		const result = await runNode(baseOptions({ parameters: {} }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/workflow has issues/);
		expect(result.error?.issues).toBeDefined();
	});

	test('cancelling through the signal aborts the node and its request', async () => {
		const controller = new AbortController();
		const arrived = new Promise<void>((resolve) => {
			slowRequestArrived = resolve;
		});
		seen.cancelSignalAborted = undefined;
		const running = runNode(baseOptions({ parameters: { url: `${baseUrl}/slow` }, signal: controller.signal }));
		await arrived;
		controller.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		expect(seen.cancelSignalPresent).toBe(true);
		expect(seen.cancelSignalAborted).toBe(true);
		await slowRequestClosed; // the server saw the client go away
		expect(result.run?.status).toBeDefined();
	});
});
