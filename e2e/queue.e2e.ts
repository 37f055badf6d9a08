/**
 * Queue mode, the way n8n scales out: one main process (`n8n start`, EXECUTIONS_MODE=queue) that
 * takes webhooks, two `n8n worker` processes that run the executions, Redis between them, one
 * PostgreSQL database, and binary data in that database (the `database` mode, 2.x's default in
 * queue mode). Main and each worker have their own user folder with the package installed into
 * it, as on separate machines; they share only the database, Redis and the encryption key.
 *
 * 24 webhook calls, 6 at a time, each with its own prompt, run a Generate workflow against the
 * provider double. Checked: every call answered with an image whose bytes are exactly what the
 * double served for that prompt, no image was made twice (24 gateway requests, 24 distinct
 * images), and both workers ran some of the executions.
 *
 * Run: npm run test:queue   (E2E_HOST picks the host; default n8n 2.8.4. Needs Debian's
 * redis-server and postgresql: .ci/run installs them.)
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { readImageSize } from '../test/double/images';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import { ensureN8nHost, freePort, N8nInstance, packPackage } from './lib/n8nHost';
import { startPostgres, startRedis, type Postgres, type Service } from './lib/services';
import { webhookWorkflow } from './lib/testWorkflows';

const EXECUTIONS = 24;
const AT_ONCE = 6;
const host = ensureN8nHost();
const label = `n8n ${host.n8nVersion} on Node ${host.nodeVersion}`;

let work: string;
let double: ProviderDouble;
let redis: Service | undefined;
let postgres: Postgres | undefined;
let main: N8nInstance | undefined;
const workers: N8nInstance[] = [];
const workerLogs: Array<() => string> = [];
let url = '';

const credential = { provider: 'gptGe', id: 'nbQueueGptGe001', name: 'Queue test V-API' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'nano-banana-queue-'));
	const tarball = packPackage(work);
	// Some latency, so that executions overlap and both workers get work.
	double = await startProviderDouble({ latencyMs: 300 });
	[redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	const shared = {
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
	};
	main = await N8nInstance.create(host, { binaryMode: 'database', env: shared });
	main.installPackage(tarball);
	// Main creates the schema (migrations) before anything else touches the database.
	main.importCredentials([
		{ ...credential, type: 'gptGeApi', data: { apiKey: double.apiKey, baseUrl: double.baseUrlFor('gptGe') } },
	]);
	main.importWorkflows([webhookWorkflow('nbQueueWebhook01', 'nano-banana-queue', credential, { model: 'nano-banana', aspectRatio: '1:1' })]);
	main.activate('nbQueueWebhook01');
	url = await main.start(await freePort());
	for (let i = 0; i < 2; i++) {
		const worker = await N8nInstance.create(host, { binaryMode: 'database', env: shared });
		worker.installPackage(tarball);
		workers.push(worker);
		workerLogs.push((await worker.startWorker()).log);
	}
});

after(async () => {
	for (const w of workers) await w.close();
	await main?.close();
	await Promise.all([redis?.stop(), postgres?.stop()]);
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

test(`queue mode in ${label}: ${EXECUTIONS} webhook executions on two workers, every image once, from the database`, async () => {
	const prompts = Array.from({ length: EXECUTIONS }, (_, i) => `Ad ${i + 1}: a banana on a beach towel, summer sale poster`);
	const answers = new Map<string, Buffer>();
	let next = 0;
	const caller = async () => {
		while (next < prompts.length) {
			const prompt = prompts[next++];
			const res = await fetch(`${url}/webhook/nano-banana-queue`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompt }),
			});
			const body = Buffer.from(await res.arrayBuffer());
			assert.equal(res.status, 200, `"${prompt}": HTTP ${res.status} ${body.toString('utf8', 0, 300)}\n${main?.logTail()}`);
			assert.match(String(res.headers.get('content-type')), /^image\/png/);
			answers.set(prompt, body);
		}
	};
	await Promise.all(Array.from({ length: AT_ONCE }, caller));

	// One gateway request per execution: nothing was run twice.
	const apiRequests = double.requests.filter((r) => r.path === '/v1/images/generations');
	assert.equal(apiRequests.length, EXECUTIONS, 'gateway requests');
	assert.deepEqual(apiRequests.map((r) => String(r.json?.prompt)).sort(), [...prompts].sort());

	// What the double served (URL answers, downloaded from its file host) is what came back.
	const served = new Set([...double.files.values()].map((f) => sha(f.bytes)));
	assert.equal(served.size, EXECUTIONS, 'distinct images the double served');
	const returned = prompts.map((p) => answers.get(p) as Buffer);
	for (const [i, bytes] of returned.entries()) {
		assert.ok(served.has(sha(bytes)), `"${prompts[i]}": the image is not one the double served`);
		assert.deepEqual(readImageSize(bytes)?.width, 1024);
	}
	assert.equal(new Set(returned.map(sha)).size, EXECUTIONS, 'an image came back twice');

	// Both workers ran executions, and between them all of them.
	const ran = workerLogs.map((log) => new Set([...log().matchAll(/started execution (\d+)/gi)].map((m) => m[1])));
	assert.ok(ran[0].size > 0 && ran[1].size > 0, `executions per worker: ${ran.map((r) => r.size).join(', ')}`);
	assert.equal(ran[0].size + ran[1].size, EXECUTIONS, 'executions the workers ran');
	process.stderr.write(`[queue] executions per worker: ${ran.map((r) => r.size).join(' and ')}\n`);
});
