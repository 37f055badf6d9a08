/**
 * End to end, inside one real n8n of the matrix (e2e/hosts; `E2E_HOST=n8n-2.41`, default n8n-2.8):
 * the package is packed with `npm pack`, installed into a fresh user folder's .n8n/nodes (the
 * Community Nodes route, so package.json's `n8n` section is what loads it), the example workflows
 * and credentials pointing at the provider double are imported, and each workflow runs with
 * `n8n execute --id`. Checked: the run succeeded, every image is a real PNG of the size the
 * settings ask for (read from the bytes n8n stored), the item fields, and what the double
 * received. Once in each binary data mode the host's matrix row names (1.123: default and
 * filesystem; 2.x: filesystem and database). Then, in the same host: every `n8n-workflow` export
 * the built node uses exists there, and the fault suite's waiting rows (429 once, 503 twice,
 * Retry-After, the batch-wide 429 pause) behave as in-process.
 *
 * Run: npm run test:e2e                  (n8n 2.8.4)
 *      npm run test:e2e:matrix           (every host, one after the other)
 * A host installs on first use (see the README's "The n8n hosts"; with progress); then about 2 minutes a host.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startProviderDouble, type Prefix, type ProviderDouble, type RecordedRequest } from '../test/double/providerDouble';
import { encodeJpeg, encodePng, readImageSize } from '../test/double/images';
import { credentialsFor, doubleCredentialData, loadExamples, nanoBananaNodes } from './lib/examples';
import { N8nRest } from './lib/n8nRest';
import { promptsWorkflow, webhookWorkflow } from './lib/testWorkflows';
import {
	ensureN8nHost,
	freePort,
	hostPath,
	N8nInstance,
	setupOwner,
	type N8nHost,
	nodeItems,
	packPackage,
	repoRoot,
	type BinaryMode,
	type ExecuteResult,
	type OutputItem,
} from './lib/n8nHost';


/** The requests that ask for images, on every route (not model lists or uploads). */
const isImageCall = (r: RecordedRequest) => r.path.startsWith('/v1/images/') || r.path.endsWith(':generateContent') || r.path === '/v1/chat/completions';

interface Expected {
	provider: string;
	dialect: Prefix;
	operation: 'generate' | 'edit';
	model: string;
	/** Pixel size of every image the node must put out, and how many. */
	size: [number, number];
	count: number;
	aspectRatio: string;
	resolution: string;
	property: string;
	/** The answer carried URLs the node had to download (not base64). */
	viaUrl: boolean;
	/** The images' type, when not PNG (Vertex AI's Output Format). */
	jpeg?: boolean;
	/** What the double must have received (one request per entry). */
	request: (req: RecordedRequest) => void;
}

function fields(req: RecordedRequest): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.fields ?? {})) out[k] = v[v.length - 1];
	return out;
}

function imageParts(req: RecordedRequest): Array<{ field: string; w?: number; h?: number; type: string }> {
	return (req.files ?? []).map((f) => ({ field: f.field, w: f.width, h: f.height, type: f.contentType }));
}

const SAMPLE = { w: 512, h: 512, type: 'image/png' };

/** Per example file, per Nano Banana node name. */
const EXPECTED: Record<string, Record<string, Expected>> = {
	'generate-google-gemini-strip-banner': {
		'Strip banner 8:1': {
			provider: 'google', dialect: 'google', operation: 'generate', model: 'gemini-nano-banana-2.1',
			size: [3072, 384], count: 1, aspectRatio: '8:1', resolution: '1K', property: 'data', viaUrl: false,
			request: (req) => {
				assert.equal(req.path, '/v1beta/models/gemini-nano-banana-2.1:generateContent');
				assert.equal(req.headers['x-goog-api-key'], double.apiKey);
				assert.equal(req.headers.authorization, undefined);
				assert.deepEqual(req.json?.generationConfig, { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '8:1', imageSize: '1K' } });
			},
		},
	},
	'generate-vertex-ai-campaign-jpeg': {
		'Campaign 4:5 JPEG': {
			provider: 'vertexAi', dialect: 'vertex', operation: 'generate', model: 'gemini-3-pro-image',
			size: [1792, 2304], count: 1, aspectRatio: '4:5', resolution: '2K', property: 'data', viaUrl: false, jpeg: true,
			request: (req) => {
				assert.equal(req.headers['x-goog-api-key'], undefined);
				assert.deepEqual(req.json?.generationConfig, { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5', imageSize: '2K', imageOutputOptions: { mimeType: 'image/jpeg', compressionQuality: 85 } } });
			},
		},
	},
	'edit-openrouter-restyle-same-shape': {
		'Restyle, same shape': {
			provider: 'openRouter', dialect: 'openRouter', operation: 'edit', model: 'google/gemini-nano-banana-2.1',
			size: [1024, 1024], count: 1, aspectRatio: '1:1', resolution: 'auto', property: 'data', viaUrl: false,
			request: (req) => {
				assert.equal(req.path, '/v1/chat/completions');
				assert.equal(req.headers.authorization, `Bearer ${double.apiKey}`);
				assert.deepEqual(req.json?.modalities, ['image', 'text']);
				assert.deepEqual(req.json?.image_config, { aspect_ratio: '1:1' });
				const content = (req.json?.messages as Array<{ content: Array<{ type: string; image_url?: { url: string } }> }>)[0].content;
				assert.deepEqual(content.map((p) => p.type), ['text', 'image_url']);
				assert.match(String(content[1].image_url?.url), /^data:image\/png;base64,iVBOR/);
			},
		},
	},
	'generate-v-api-product-shot': {
		'Product shot 1:1': {
			provider: 'gptGe', dialect: 'gptGe', operation: 'generate', model: 'nano-banana',
			size: [1024, 1024], count: 1, aspectRatio: '1:1', resolution: 'auto', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/generations');
				assert.equal(req.json?.model, 'nano-banana');
				assert.equal(req.json?.size, '1:1');
				assert.match(String(req.json?.prompt), /^Generate a studio product photo of a matte teal ceramic coffee mug/);
			},
		},
	},
	'generate-tu-zi-story-ad': {
		'Story ad 9:16 2K': {
			provider: 'tuZi', dialect: 'tuZi', operation: 'generate', model: 'gemini-3-pro-image-preview',
			size: [1536, 2688], count: 1, aspectRatio: '9:16', resolution: '2K', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/generations');
				assert.equal(req.json?.size, '768x1344');
				assert.equal(req.json?.quality, '2k');
			},
		},
	},
	'generate-theturbo-hero-banner': {
		'Hero banner 16:9 2K': {
			provider: 'theTurbo', dialect: 'theTurbo', operation: 'generate', model: 'gemini-3-pro-image',
			size: [2688, 1536], count: 1, aspectRatio: '16:9', resolution: '2K', property: 'data', viaUrl: false,
			request: (req) => {
				assert.equal(req.path, '/v1/images/generations');
				assert.equal(req.json?.aspect_ratio, '16:9');
				assert.equal(req.json?.image_size, '2K');
				assert.match(String(req.headers.accept), /application\/json/);
			},
		},
	},
	'generate-openai-compatible-feed-posts': {
		'Feed posts 4:5': {
			provider: 'openAiCompatible', dialect: 'openai', operation: 'generate', model: 'nano-banana',
			size: [896, 1152], count: 2, aspectRatio: '4:5', resolution: 'auto', property: 'data', viaUrl: false,
			request: (req) => {
				assert.equal(req.path, '/v1/images/generations');
				assert.equal(req.json?.size, '896x1152');
				assert.equal(req.json?.n, 2);
				assert.equal(req.json?.response_format, 'b64_json');
			},
		},
	},
	'edit-v-api-new-scene': {
		'New scene 4:3': {
			provider: 'gptGe', dialect: 'gptGe', operation: 'edit', model: 'nano-banana',
			size: [1184, 864], count: 1, aspectRatio: '4:3', resolution: 'auto', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/edits');
				assert.equal(fields(req).size, '4:3');
				assert.deepEqual(imageParts(req), [{ field: 'image', ...SAMPLE }]);
			},
		},
	},
	'edit-tu-zi-background-with-mask': {
		'Replace background': {
			provider: 'tuZi', dialect: 'tuZi', operation: 'edit', model: 'gemini-3-pro-image-preview',
			size: [1024, 1024], count: 1, aspectRatio: 'auto', resolution: 'auto', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/edits');
				assert.equal(fields(req).size, undefined);
				assert.deepEqual(imageParts(req), [
					{ field: 'image', ...SAMPLE },
					{ field: 'mask', ...SAMPLE },
				]);
			},
		},
	},
	'edit-theturbo-logo-on-product': {
		'Logo on mug 3:2': {
			provider: 'theTurbo', dialect: 'theTurbo', operation: 'edit', model: 'gemini-3-pro-image',
			size: [1248, 832], count: 1, aspectRatio: '3:2', resolution: '1K', property: 'data', viaUrl: false,
			request: (req) => {
				assert.equal(req.path, '/v1/images/edits');
				const f = fields(req);
				assert.equal(f.aspect_ratio, '3:2');
				assert.equal(f.image_size, '1K');
				assert.equal(f.media_resolution, 'MEDIA_RESOLUTION_HIGH');
				assert.deepEqual(imageParts(req), [
					{ field: 'image[]', ...SAMPLE },
					{ field: 'image[]', w: 256, h: 256, type: 'image/png' },
				]);
			},
		},
	},
	'edit-openai-compatible-illustration': {
		'Flat illustration 1:1': {
			provider: 'openAiCompatible', dialect: 'openai', operation: 'edit', model: 'nano-banana',
			size: [1024, 1024], count: 1, aspectRatio: '1:1', resolution: 'auto', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/edits');
				assert.equal(fields(req).size, '1024x1024');
				assert.deepEqual(imageParts(req), [{ field: 'image', ...SAMPLE }]);
			},
		},
	},
	'chain-generate-then-edit-banner': {
		'Product shot': {
			provider: 'gptGe', dialect: 'gptGe', operation: 'generate', model: 'nano-banana',
			size: [1024, 1024], count: 1, aspectRatio: '1:1', resolution: 'auto', property: 'data', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/generations');
				assert.equal(req.json?.size, '1:1');
			},
		},
		'Wide banner 16:9 2K': {
			provider: 'gptGe', dialect: 'gptGe', operation: 'edit', model: 'nano-banana-pro',
			size: [2688, 1536], count: 1, aspectRatio: '16:9', resolution: '2K', property: 'banner', viaUrl: true,
			request: (req) => {
				assert.equal(req.path, '/v1/images/edits');
				const f = fields(req);
				assert.equal(f.size, '2k');
				assert.equal(f.aspect_ratio, '16:9');
				// the generated 1024x1024 product shot, passed on by n8n between the nodes
				assert.deepEqual(imageParts(req), [{ field: 'image', w: 1024, h: 1024, type: 'image/png' }]);
			},
		},
	},
};

const examples = loadExamples();
let double: ProviderDouble;
const host: N8nHost = ensureN8nHost();
const label = `n8n ${host.n8nVersion} on Node ${host.nodeVersion}`;
let tarball: string;
let work: string;

before(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'nano-banana-e2e-'));
	tarball = packPackage(work);
	double = await startProviderDouble();
});

after(async () => {
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

test('every example workflow has expectations, and every expectation a workflow', () => {
	assert.deepEqual(examples.map((e) => e.file).sort(), Object.keys(EXPECTED).sort());
	for (const { file, workflow } of examples) {
		assert.deepEqual(nanoBananaNodes(workflow).map((n) => n.name).sort(), Object.keys(EXPECTED[file]).sort(), file);
	}
	const providers = new Set(Object.values(EXPECTED).flatMap((e) => Object.values(e).map((x) => `${x.provider}/${x.operation}`)));
	for (const p of ['gptGe', 'tuZi', 'theTurbo', 'openAiCompatible'])
		for (const op of ['generate', 'edit']) assert.ok(providers.has(`${p}/${op}`), `no ${op} example for ${p}`);
	for (const p of ['google', 'openRouter', 'vertexAi']) assert.ok([...providers].some((x) => x.startsWith(`${p}/`)), `no example for ${p}`);
});

for (const mode of host.binaryModes) {
	describe(`inside ${label}, binary data mode "${mode}"`, () => {
		let n8n: N8nInstance;

		before(async () => {
			n8n = await N8nInstance.create(host, { binaryMode: mode });
			n8n.installPackage(tarball);
			n8n.importCredentials(
				credentialsFor(examples, (type) => doubleCredentialData(double, type)),
			);
			n8n.importWorkflows(examples.map((e) => e.workflow));
		});

		after(async () => {
			await n8n?.close();
		});

		for (const example of examples) {
			test(`${example.file}: ${example.workflow.name}`, async () => {
				double.reset();
				const run = await n8n.execute(example.workflow.id);
				const nodes = nanoBananaNodes(example.workflow);
				assertRunSucceeded(run);

				// What the double received, in order: one request per Nano Banana node here.
				const apiRequests = double.requests.filter(isImageCall);
				assert.equal(apiRequests.length, nodes.length, `requests: ${apiRequests.map((r) => r.dialect + r.path).join(', ')}`);

				const bytesByNode = new Map<string, Buffer[]>();
				nodes.forEach((node, i) => {
					const want = EXPECTED[example.file][node.name];
					const req = apiRequests[i];
					assert.equal(req.dialect, want.dialect);
					if (want.dialect === 'vertex') {
						// Vertex AI: the model in the project's address, a service account's token.
						assert.ok(req.path.startsWith(`/v1/projects/nano-banana-test/locations/global/publishers/google/models/${want.model}:`), req.path);
						assert.match(String(req.headers.authorization), /^Bearer ya29\.double-/);
					} else if (want.dialect === 'google') {
						// Google names the model in the path and takes the key in its own header.
						assert.ok(req.path.startsWith(`/v1beta/models/${want.model}:`), req.path);
					} else {
						assert.equal(req.headers.authorization, `Bearer ${double.apiKey}`);
						if (req.json) assert.equal(req.json.model, want.model);
						else assert.equal(fields(req).model, want.model);
					}
					want.request(req);

					const items = nodeItems(run.result, node.name);
					assert.equal(items.length, want.count, `${node.name}: number of images`);
					bytesByNode.set(node.name, items.map((item, index) => checkItem(n8n, mode, item, index, node.name, String(node.parameters.prompt), want)));
				});

				// URL answers are downloaded from the file host, without the API key.
				const urlImages = nodes.filter((n) => EXPECTED[example.file][n.name].viaUrl).reduce((s, n) => s + EXPECTED[example.file][n.name].count, 0);
				assert.equal(double.downloads.length, urlImages, 'downloads from the file host');
				for (const d of double.downloads) assert.equal(d.headers.authorization, undefined, 'the API key must not go to the file host');

				if (example.file === 'chain-generate-then-edit-banner') {
					// The edit received exactly the bytes the generate node put out.
					const [generated] = bytesByNode.get('Product shot') ?? [];
					const sent = apiRequests[1].files?.[0]?.bytes;
					assert.ok(sent && generated && sent.equals(generated), 'edit input differs from the generated image');
				}
			});
		}
	});
}

function assertRunSucceeded(run: ExecuteResult): void {
	const context = () => `exit ${run.code}\n--- stdout (head)\n${run.stdout.slice(0, 3000)}\n--- stderr (tail)\n${run.stderr.slice(-3000)}`;
	assert.ok(run.result, `no run JSON printed; ${context()}`);
	const error = run.result.data.resultData.error;
	assert.equal(error, undefined, `run failed: ${error?.message}; ${context()}`);
	assert.equal(run.code, 0, context());
	assert.equal(run.result.status, 'success', context());
}

function checkItem(
	n8n: N8nInstance,
	mode: BinaryMode,
	item: OutputItem,
	index: number,
	nodeName: string,
	prompt: string,
	want: Expected,
): Buffer {
	const where = `${nodeName} item ${index}`;
	const ref = item.binary?.[want.property];
	assert.ok(ref, `${where}: no binary property "${want.property}" (has ${Object.keys(item.binary ?? {})})`);
	if (mode === 'filesystem') {
		assert.match(String(ref.id), /^filesystem-v2:/, `${where}: binary not stored on disk`);
		assert.equal(ref.data, 'filesystem-v2');
	} else if (mode === 'database') {
		assert.match(String(ref.id), /^database:/, `${where}: binary not stored in the database`);
	} else {
		assert.equal(ref.id, undefined, `${where}: binary stored by id in default mode`);
	}
	const bytes = n8n.binaryBytes(ref);
	const size = readImageSize(bytes);
	assert.ok(size, `${where}: the binary is not an image (${bytes.subarray(0, 16).toString('hex')})`);
	const [mime, extension] = want.jpeg ? ['image/jpeg', 'jpg'] : ['image/png', 'png'];
	assert.equal(size.mime, mime);
	assert.deepEqual([size.width, size.height], want.size, `${where}: pixel size`);
	assert.equal(ref.mimeType, mime);
	assert.equal(ref.fileName, `nano-banana-0-${index}.${extension}`);

	const json = item.json;
	assert.equal(json.provider, want.provider);
	assert.equal(json.model, want.model);
	assert.equal(json.operation, want.operation);
	assert.equal(json.prompt, prompt);
	assert.equal(json.index, index);
	assert.equal(json.mimeType, mime);
	assert.equal(json.fileName, `nano-banana-0-${index}.${extension}`);
	assert.equal(json.fileSize, bytes.length);
	assert.equal(json.width, want.size[0]);
	assert.equal(json.height, want.size[1]);
	assert.equal(json.aspectRatio, want.aspectRatio);
	assert.equal(json.resolution, want.resolution);
	assert.equal(typeof json.created, 'number');
	assert.ok(Math.abs(Number(json.created) - Date.now() / 1000) < 600, `${where}: created ${json.created}`);
	if (want.viaUrl) assert.match(String(json.url), /^http:\/\/127\.0\.0\.1:\d+\/files\/[\w-]+\.png$/);
	else assert.equal(json.url, undefined);
	assert.equal(json.warnings, undefined, `${where}: unexpected warnings ${JSON.stringify(json.warnings)}`);
	if (want.dialect === 'gptGe' && want.operation === 'generate') assert.ok(json.usage, `${where}: V-API usage block missing`);
	return bytes;
}

// ---------------------------------------------------------------------------------------------
// What differs between n8n lines: the exports the node needs, and every wait (retries, pauses).
// ---------------------------------------------------------------------------------------------

test(`every n8n-workflow export the built node uses exists in ${label}`, () => {
	const used = workflowExportsUsed(path.join(repoRoot, 'dist'));
	assert.ok(used.size >= 3, `found only ${[...used].join(', ')}: the scan of dist/ is broken`);
	// The host's own n8n-workflow, as the installed package resolves it (n8n strips the peer
	// dependency on install), loaded by the host's Node.
	const script = `const wf = require(require.resolve('n8n-workflow', { paths: [require.resolve('n8n/package.json')] }));
		const missing = JSON.parse(process.argv[1]).filter((name) => wf[name] === undefined);
		process.stdout.write(JSON.stringify(missing));`;
	const res = spawnSync('node', ['-e', script, JSON.stringify([...used])], {
		cwd: host.dir,
		env: { ...process.env, PATH: hostPath(host) },
		encoding: 'utf8',
	});
	assert.equal(res.status, 0, res.stderr);
	assert.deepEqual(JSON.parse(res.stdout), [], `n8n-workflow in ${label} lacks what the node uses`);
});

describe(`waits and redirects inside ${label}: the fault suite's rows that depend on the n8n line`, () => {
	let n8n: N8nInstance;
	const arrivals = new WeakMap<RecordedRequest, number>();
	const credential = { provider: 'openAiCompatible', id: 'nbRetryOpenAi01', name: 'Retry test gateway' };
	const rows = [
		{ id: 'retry429', fault: 'HTTP 429 once, no Retry-After (backoff)', script: [{ status: 429 }], requests: 2, minGapMs: 400 },
		{ id: 'retry503x2', fault: 'HTTP 503 twice (backoff, twice)', script: [{ status: 503 }, { status: 503 }], requests: 3, minGapMs: 400 },
		{ id: 'retryAfter1', fault: 'HTTP 503 once with Retry-After: 1', script: [{ status: 503, headers: { 'retry-after': '1' } }], requests: 2, minGapMs: 950 },
	];
	const poster = (i: number) => `Poster ${i}: a banana in the style of a travel poster`;
	const batch = [0, 1, 2, 3].map(poster);
	const autoBatch = Array.from({ length: 24 }, (_v, i) => poster(100 + i));

	before(async () => {
		n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
		n8n.installPackage(tarball);
		n8n.importCredentials([
			{ ...credential, type: 'openAiCompatibleImageApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('openai'), dialect: 'openai' } },
		]);
		n8n.importWorkflows([
			...rows.map((row) => promptsWorkflow(row.id, [poster(9)], credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } })),
			promptsWorkflow('retryBatchPause', batch, credential, { model: 'nano-banana', options: { responseFormat: 'b64_json', concurrency: 2 } }),
			// Version 3 without the option: Concurrency Auto. Each `n8n execute` is a process of its
			// own, so each run is a first execution on the credential (it starts at 4).
			promptsWorkflow('autoOpen', autoBatch, credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } }, 3),
			promptsWorkflow('autoLimited', autoBatch, credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } }, 3),
			promptsWorkflow('crossOriginRedirect', [poster(8)], credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } }),
			webhookWorkflow('cancelDuringWait', 'nano-banana-cancel', credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } }, 'at once'),
			promptsWorkflow('editFromLinks', [poster(7)], credential, {
				model: 'nano-banana',
				operation: 'edit',
				imageSource: 'url',
				imageUrls: `${double.fileHostUrl}/files/photo.png?t=w_500,h_300\n${double.fileHostUrl}/files/style.jpg`,
				options: { responseFormat: 'b64_json' },
			}),
			promptsWorkflow('editAllowListRedirect', [poster(5)], credential, {
				model: 'nano-banana',
				operation: 'edit',
				imageSource: 'url',
				imageUrls: `${double.fileHostUrl}/files/short.png`,
				options: { responseFormat: 'b64_json', allowedLinkHosts: new URL(double.fileHostUrl).hostname },
			}),
			promptsWorkflow('editFromHugeLink', [poster(6)], credential, {
				model: 'nano-banana',
				operation: 'edit',
				imageSource: 'url',
				imageUrls: `${double.fileHostUrl}/files/huge.png`,
				options: { responseFormat: 'b64_json' },
			}),
		]);
		n8n.activate('cancelDuringWait');
	});

	after(async () => {
		await n8n?.close();
	});

	const resetWithSpy = () => {
		double.reset();
		double.enqueue({
			match: (r) => {
				if (!arrivals.has(r)) arrivals.set(r, Date.now());
				return false;
			},
		});
	};

	for (const row of rows) {
		test(`${row.fault}: the image after ${row.requests - 1} retr${row.requests > 2 ? 'ies' : 'y'}`, async () => {
			resetWithSpy();
			double.enqueue(...row.script);
			const run = await n8n.execute(row.id);
			assertRunSucceeded(run);
			const items = nodeItems(run.result, 'Nano Banana');
			assert.equal(items.length, 1);
			assert.ok(readImageSize(n8n.binaryBytes(items[0].binary?.data ?? {})), 'no image');
			assert.equal(double.requests.length, row.requests, 'requests to the gateway');
			const times = double.requests.map((r) => arrivals.get(r) ?? NaN);
			for (let i = 1; i < times.length; i++) {
				assert.ok(times[i] - times[i - 1] >= row.minGapMs, `retry ${i} came ${times[i] - times[i - 1]} ms after the failure, want >= ${row.minGapMs}`);
			}
		});
	}

	test('HTTP 429 with Retry-After: 1 on the first request of 4 (Concurrency 2) holds back the whole batch', async () => {
		// Concurrency 2. Inside a real host the items reach the gateway in no fixed order, so the
		// faults go by arrival: the first request gets a 429 with Retry-After: 1 at once, the
		// second takes 200 ms (it may still be in flight when the 429 comes; that is allowed).
		// Nothing else may start until the second is over.
		resetWithSpy();
		double.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { delayMs: 200 });
		const run = await n8n.execute('retryBatchPause');
		assertRunSucceeded(run);
		const items = nodeItems(run.result, 'Nano Banana');
		assert.deepEqual(items.map((i) => i.json.prompt), batch);
		assert.equal(double.requests.length, 5);
		const at = (r: RecordedRequest) => arrivals.get(r) ?? NaN;
		const t0 = at(double.requests[0]);
		const order = double.requests.map((r) => `item ${batch.indexOf(String(r.json?.prompt))} at +${at(r) - t0} ms`).join(', ');
		const later = double.requests.slice(1);
		const inside = later.filter((r) => at(r) - t0 < 950);
		assert.ok(inside.length <= 1, `${inside.length} requests started inside the 429's Retry-After; at most its slot partner may (${order})`);
		assert.ok(later.length - inside.length >= 3, `the other items and the retry should start after the pause (${order})`);
	});

	test('Concurrency Auto (version 3) on an open gateway: 4 first, then doubling, every image in order', async () => {
		resetWithSpy();
		double.settings.latencyMs = 300;
		const run = await n8n.execute('autoOpen');
		assertRunSucceeded(run);
		assert.deepEqual(nodeItems(run.result, 'Nano Banana').map((i) => i.json.prompt), autoBatch);
		assert.equal(double.requests.length, 24);
		const t = double.requests.map((r) => arrivals.get(r) ?? NaN).sort((a, b) => a - b);
		// The fifth request waits for an answer to the first wave (300 ms), and later waves are larger.
		assert.ok(t[4] - t[0] >= 250, `the fifth request came ${t[4] - t[0]} ms after the first; the first wave is 4`);
		assert.ok(double.limit.peak >= 8, `at most ${double.limit.peak} in flight: Auto did not grow past its first wave`);
	});

	test('Concurrency Auto (version 3) against a gateway that takes 6 in flight: every image, 2 429s, never above 6', async () => {
		resetWithSpy();
		double.settings.latencyMs = 150;
		double.settings.maxInFlight = 6;
		double.settings.limitRetryAfter = 1;
		const run = await n8n.execute('autoLimited');
		assertRunSucceeded(run);
		assert.deepEqual(nodeItems(run.result, 'Nano Banana').map((i) => i.json.prompt), autoBatch);
		// 4, then 8 of which the gateway takes 6: two 429s, well under twice the limit, and 6 from then on.
		assert.ok(double.limit.rejected >= 1 && double.limit.rejected < 2 * 6, `${double.limit.rejected} 429s`);
		assert.equal(double.limit.peak, 6);
		assert.equal(double.requests.length, 24 + double.limit.rejected);
	});

	test('Edit from image links: downloaded without the key, sent byte for byte, in order', async () => {
		double.reset();
		const photo = encodePng(640, 480, 3);
		const style = encodeJpeg(200, 200, 4);
		double.files.set('photo.png', { bytes: photo, contentType: 'image/png' });
		double.files.set('style.jpg', { bytes: style, contentType: 'image/jpeg' });
		const run = await n8n.execute('editFromLinks');
		assertRunSucceeded(run);
		assert.equal(nodeItems(run.result, 'Nano Banana').length, 1);
		assert.deepEqual(double.downloads.map((d) => d.path), ['/files/photo.png', '/files/style.jpg']);
		for (const d of double.downloads) assert.ok(!JSON.stringify(d.headers).includes(double.apiKey), 'the API key went to the file host');
		const files = (double.requests[0]?.files ?? []).map((f) => f.bytes);
		assert.deepEqual(files, [photo, style], 'the gateway did not get the linked images as they were');
	});

	test('Edit from a link past 20 MB: the item fails before any gateway call', async () => {
		double.reset();
		double.files.set('huge.png', { bytes: Buffer.concat([encodePng(64, 64, 1), Buffer.alloc(21 * 1024 * 1024)]), contentType: 'image/png' });
		const run = await n8n.execute('editFromHugeLink');
		assert.equal(run.result?.status, 'error', run.stdout.slice(-2000));
		assert.match(JSON.stringify(run.result?.data.resultData.error ?? run.stdout), /larger than 20 MB/);
		assert.equal(double.requests.length, 0, 'a gateway call was made');
	});

	test('Allowed Link Hosts: a link on the list that redirects to a host off it fails, naming that host, before anything is fetched there', async () => {
		double.reset();
		const port = new URL(double.fileHostUrl).port;
		double.files.set('photo.png', { bytes: encodePng(64, 64, 2), contentType: 'image/png' });
		double.redirects.set('short.png', `http://localhost:${port}/files/photo.png`);
		const run = await n8n.execute('editAllowListRedirect');
		assert.equal(run.result?.status, 'error', run.stdout.slice(-2000));
		assert.match(JSON.stringify(run.result?.data.resultData.error ?? run.stdout), new RegExp(`redirects to localhost:${port}, which is not in .{0,6}Allowed Link Hosts`));
		assert.deepEqual(double.downloads.map((d) => d.path), ['/files/short.png'], 'the host off the list was asked for the image');
		assert.equal(double.requests.length, 0, 'a gateway call was made');
	});

	test('the API call redirected (307) to another origin: the key does not follow', async () => {
		// Not a wait, but what n8n's request helper does differs between lines too: the node turns
		// off its default of sending credentials along on a cross-origin redirect.
		double.reset();
		double.enqueue({ status: 307, headers: { location: `${double.fileHostUrl}/files/elsewhere.png` } });
		const run = await n8n.execute('crossOriginRedirect');
		assert.equal(run.result?.status, 'error', `the run should fail at the other origin (404): ${run.stdout.slice(-2000)}`);
		assert.equal(double.requests.length, 1);
		assert.equal(double.requests[0].headers.authorization, `Bearer ${double.apiKey}`);
		assert.equal(double.downloads.length, 1, 'the redirect was not followed');
		assert.equal(double.downloads[0].headers.authorization, undefined, 'the API key went to another origin');
		assert.ok(!JSON.stringify(double.downloads[0].headers).includes(double.apiKey), 'the API key went to another origin');
		assert.ok(!run.stdout.includes(double.apiKey) && !run.stderr.includes(double.apiKey), 'the API key is in n8n\'s output');
	});

	test('stopped while it waits out Retry-After: 30: the execution ends at once, nothing more is sent', async () => {
		// The editor's Stop button on a running production execution: n8n start, a webhook that
		// answers at once, a 429 with Retry-After: 30 for its only request.
		const url = await n8n.start(await freePort());
		await setupOwner(url);
		const rest = new N8nRest(url);
		await rest.signIn();
		resetWithSpy();
		double.enqueue({ status: 429, headers: { 'retry-after': '30' } });
		const hook = await fetch(`${url}/webhook/nano-banana-cancel`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: poster(7) }),
		});
		assert.equal(hook.status, 200, await hook.text());
		const running = await until('the execution waits out the 429', async () => {
			if (double.requests.length !== 1) return undefined;
			return (await rest.executions()).find((e) => e.status === 'running');
		});
		await new Promise((r) => setTimeout(r, 500)); // well inside the 30 s wait
		const stoppedAt = Date.now();
		await rest.stop(running.id);
		const ended = await until('the execution ends', async () => {
			const e = (await rest.executions()).find((x) => x.id === running.id);
			return e && e.status !== 'running' && e.status !== 'new' ? e : undefined;
		});
		const took = Date.now() - stoppedAt;
		assert.ok(took < 5_000, `the execution took ${took} ms to end after Stop`);
		assert.equal(ended.status, 'canceled', `status after Stop: ${ended.status}`);
		process.stderr.write(`[cancel] ${label}: "${ended.status}" ${took} ms after Stop\n`);
		await new Promise((r) => setTimeout(r, 1500));
		assert.equal(double.requests.length, 1, 'a request went out after the execution was stopped');
	});
});

// n8n's own SSRF protection exists from the 2.x lines that ship @n8n/backend-network's guard.
const hasSsrfProtection = existsSync(path.join(host.dir, 'node_modules', '@n8n', 'backend-network', 'dist', 'ssrf', 'ssrf-blocked-ip.error.js'));

describe(`n8n's SSRF protection inside ${label}`, { skip: hasSsrfProtection ? false : `${label} has no SSRF protection` }, () => {
	let n8n: N8nInstance;
	// The gateway's address is allowed by name (localhost); the link goes to a loopback IP, which the protection blocks.
	const credential = { provider: 'openAiCompatible', id: 'nbSsrfOpenAi0001', name: 'SSRF test gateway' };

	before(async () => {
		n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0], env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' } });
		n8n.installPackage(tarball);
		n8n.importCredentials([
			{ ...credential, type: 'openAiCompatibleImageApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('openai').replace('127.0.0.1', 'localhost'), dialect: 'openai' } },
		]);
		n8n.importWorkflows([
			promptsWorkflow('ssrfBlockedLink', ['A mug on a towel'], credential, { model: 'nano-banana', operation: 'edit', imageSource: 'url', imageUrls: `${double.fileHostUrl}/files/photo.png?sig=secret-123`, options: { responseFormat: 'b64_json' } }),
			promptsWorkflow('ssrfGatewayAllowed', ['A mug on a towel'], credential, { model: 'nano-banana', options: { responseFormat: 'b64_json' } }),
		]);
	});

	after(async () => {
		await n8n?.close();
	});

	test('a link to a blocked address gets an error that names n8n\'s SSRF protection and how to allow it, and is not retried', async () => {
		double.reset();
		double.files.set('photo.png', { bytes: encodePng(64, 64, 3), contentType: 'image/png' });
		const run = await n8n.execute('ssrfBlockedLink');
		assert.equal(run.result?.status, 'error', run.stdout.slice(-2000));
		const failure = run.result?.data.resultData.error as { message?: string; description?: string } | undefined;
		assert.ok(failure, run.stdout.slice(-2000));
		// The node's own words (n8n's serialised error also carries the node's parameters, the link among them).
		const error = `${failure.message} ${failure.description}`;
		assert.match(error, /n8n's SSRF protection blocked the download from http:\/\/127\.0\.0\.1:\d+\/files\/photo\.png\?…/);
		assert.match(error, /N8N_SSRF_ALLOWED_HOSTNAMES/);
		assert.match(error, /N8N_SSRF_ALLOWED_IP_RANGES/);
		assert.doesNotMatch(error, /secret-123/, 'the link\'s query is in the error');
		assert.doesNotMatch(error, /Tried \d+ times/, 'the refusal was retried');
		assert.equal(double.downloads.length, 0, 'the protection let the download through');
		assert.equal(double.requests.length, 0, 'a gateway call was made');
	});

	test('the gateway call, at an allowed address, still works', async () => {
		double.reset();
		const run = await n8n.execute('ssrfGatewayAllowed');
		assertRunSucceeded(run);
		assert.equal(nodeItems(run.result, 'Nano Banana').length, 1);
		assert.equal(double.requests.length, 1);
	});
});

describe(`Google Vertex AI inside ${label}: one signed token per batch, one refresh when it lapses`, () => {
	let n8n: N8nInstance;
	const serviceAccount = { provider: 'vertexAi', id: 'nbVertexSa000001', name: 'Vertex AI test (service account)' };
	const express = { provider: 'vertexAi', id: 'nbVertexExpress1', name: 'Vertex AI test (Express Mode)' };
	const prompts = Array.from({ length: 20 }, (_v, i) => `Campaign ${i + 1}: a yellow mug on a balcony table`);
	const calls = () => double.requests.filter((r) => r.path.endsWith(':generateContent'));

	before(async () => {
		n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
		n8n.installPackage(tarball);
		n8n.importCredentials([
			{ ...serviceAccount, type: 'vertexAiImageApi', data: { authentication: 'serviceAccount', serviceAccountKey: double.vertex.serviceAccountKey(), location: 'global', baseUrl: double.baseUrlFor('vertex') } },
			{ ...express, type: 'vertexAiImageApi', data: { authentication: 'expressApiKey', apiKey: double.apiKey, baseUrl: double.baseUrlFor('vertex') } },
		]);
		n8n.importWorkflows([
			promptsWorkflow('vertexBatch', prompts, serviceAccount, { model: 'gemini-3-pro-image', options: { concurrency: 6 } }, 3),
			promptsWorkflow('vertexExpress', prompts.slice(0, 2), express, { model: 'gemini-3-pro-image' }, 3),
		]);
	});

	after(async () => {
		await n8n?.close();
	});

	test('a batch of 20 at Concurrency 6 signs exactly one token, and every request carries it', async () => {
		double.reset();
		double.settings.latencyMs = 100;
		const run = await n8n.execute('vertexBatch');
		assertRunSucceeded(run);
		assert.deepEqual(nodeItems(run.result, 'Nano Banana').map((i) => i.json.prompt), prompts);
		assert.equal(double.vertex.stats.grants, 1, 'tokens signed');
		assert.equal(calls().length, 20);
		assert.equal(new Set(calls().map((r) => r.headers.authorization)).size, 1);
		assert.ok(!run.stdout.includes('ya29.double-') && !run.stderr.includes('ya29.double-'), 'the token is in the output or the log');
		assert.ok(!run.stdout.includes('PRIVATE KEY') && !run.stderr.includes('PRIVATE KEY'), 'the private key is in the output or the log');
	});

	test('a token that lapses in the middle of the batch is refreshed once: 20 of 20 images', async () => {
		double.reset();
		double.settings.latencyMs = 100;
		double.vertex.settings.expireTokensAtCall = 8;
		const run = await n8n.execute('vertexBatch');
		assertRunSucceeded(run);
		assert.equal(nodeItems(run.result, 'Nano Banana').length, 20);
		assert.equal(double.vertex.stats.grants, 2, 'tokens signed');
		assert.ok(double.vertex.stats.unauthorized >= 1);
		assert.equal(calls().length, 20 + double.vertex.stats.unauthorized, 'each request turned away went once more');
	});

	test('Express Mode: the key in x-goog-api-key, no token', async () => {
		double.reset();
		const run = await n8n.execute('vertexExpress');
		assertRunSucceeded(run);
		assert.equal(nodeItems(run.result, 'Nano Banana').length, 2);
		assert.equal(double.vertex.stats.grants, 0);
		for (const r of calls()) {
			assert.equal(r.path, '/v1/publishers/google/models/gemini-3-pro-image:generateContent');
			assert.equal(r.headers['x-goog-api-key'], double.apiKey);
		}
	});
});

describe(`models inside ${label}: saved workflows that name a retired model, and each node version's default`, () => {
	let n8n: N8nInstance;
	const google = { provider: 'google', id: 'nbModelsGoogle01', name: 'Models test Google' };
	const openRouter = { provider: 'openRouter', id: 'nbModelsRouter01', name: 'Models test OpenRouter' };
	const prompt = ['A paper lantern on a wooden table, photographed'];
	const rows = [
		{ id: 'modelsV1Preview', credential: google, version: 1, parameters: { model: 'gemini-3-pro-image-preview', aspectRatio: '16:9' }, sent: 'gemini-3-pro-image', warning: 'gemini-3-pro-image-preview was shut down by Google on 2026-06-25; sent gemini-3-pro-image' },
		{ id: 'modelsV2RouterPreview', credential: openRouter, version: 2, parameters: { model: 'google/gemini-3.1-flash-image-preview', aspectRatio: '8:1' }, sent: 'google/gemini-3.1-flash-image', warning: 'google/gemini-3.1-flash-image-preview was shut down by Google on 2026-06-25; sent google/gemini-3.1-flash-image' },
		{ id: 'modelsV1Default', credential: google, version: 1, parameters: {}, sent: 'gemini-2.5-flash-image' },
		{ id: 'modelsV2Default', credential: google, version: 2, parameters: { aspectRatio: '8:1' }, sent: 'gemini-nano-banana-2.1' },
	];

	before(async () => {
		n8n = await N8nInstance.create(host, { binaryMode: host.binaryModes[0] });
		n8n.installPackage(tarball);
		n8n.importCredentials([
			{ ...google, type: 'googleGeminiImageApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('google') } },
			{ ...openRouter, type: 'openRouterImageApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('openRouter') } },
		]);
		n8n.importWorkflows(rows.map((row) => promptsWorkflow(row.id, prompt, row.credential, row.parameters, row.version)));
	});

	after(async () => {
		await n8n?.close();
	});

	for (const row of rows) {
		test(`node version ${row.version}, ${row.credential.provider}, ${row.parameters.model ?? 'no model saved'}: sends ${row.sent}`, async () => {
			double.reset();
			const run = await n8n.execute(row.id);
			assertRunSucceeded(run);
			const sent = double.requests.map((r) => (r.path.endsWith(':generateContent') ? decodeURIComponent(r.path.split('/')[3].split(':')[0]) : String(r.json?.model)));
			assert.deepEqual(sent, [row.sent], 'one request, with the model to send');
			const [item] = nodeItems(run.result, 'Nano Banana');
			assert.equal(item.json.model, row.sent);
			assert.deepEqual(item.json.warnings, row.warning ? [row.warning] : undefined);
			assert.ok(readImageSize(n8n.binaryBytes(item.binary?.data ?? {})), 'no image');
		});
	}
});

/** Polls `probe` every 250 ms until it gives a value (at most 30 s). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out waiting until ${what}`);
}

/** Every `n8n_workflow_1.X` (and namespace `workflow.X`) the compiled files under `dir` read. */
function workflowExportsUsed(dir: string): Set<string> {
	const used = new Set<string>();
	for (const file of readdirSync(dir, { recursive: true }) as string[]) {
		if (!file.endsWith('.js')) continue;
		const js = readFileSync(path.join(dir, file), 'utf8');
		for (const [, alias] of js.matchAll(/(?:const|var|let)\s+(\w+)\s*=\s*(?:__importStar\()?(?:__importDefault\()?require\("n8n-workflow"\)/g)) {
			for (const [, name] of js.matchAll(new RegExp(`\\b${alias}\\.(\\w+)`, 'g'))) used.add(name);
		}
	}
	used.delete('default');
	return used;
}
