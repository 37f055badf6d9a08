#!/usr/bin/env node
/**
 * `npm run test:e2e:matrix`: the end-to-end suite (e2e/n8n.e2e.ts) inside every n8n of the matrix,
 * one host after the other (e2e/hosts: 1.123 on Node 24, 2.8 on Node 20, 2.41 on Node 24), each
 * installed on first use. Prints one line per host at the end; fails when any host fails.
 *   npm run test:e2e:matrix -- n8n-2.41 n8n-1.123     only those hosts
 */
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const version = (name) => name.replace(/^n8n-/, '').split('.').map(Number);
const all = readdirSync(path.join(root, 'e2e', 'hosts')).sort((a, b) => version(a)[0] - version(b)[0] || version(a)[1] - version(b)[1]);
const hosts = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

const results = [];
for (const host of hosts) {
	const started = Date.now();
	process.stdout.write(`\n=== end to end inside ${host}\n`);
	const res = spawnSync('npm', ['run', 'test:e2e', '--silent'], { cwd: root, stdio: 'inherit', env: { ...process.env, E2E_HOST: host } });
	results.push({ host, ok: res.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.ok ? 'passed' : 'FAILED'}  ${r.host}  (${r.seconds} s)\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
