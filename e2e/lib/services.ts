/**
 * Throw-away Redis and PostgreSQL servers for the queue-mode test: Debian's `redis-server` and
 * PostgreSQL 15, each started as a plain process on a free loopback port with a data folder of
 * its own, and stopped (folder deleted) by `stop()`. Postgres refuses to run as root, so as root
 * its commands run as the `postgres` user the Debian package creates.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from './n8nHost';

export interface Service {
	host: string;
	port: number;
	stop(): Promise<void>;
}

export interface Postgres extends Service {
	database: string;
	user: string;
	password: string;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

async function waitUntil(what: string, child: ChildProcess, ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) before it was ready`);
		if (await ready()) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const gone = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await gone;
	clearTimeout(timer);
}

/** Answers +PONG to PING on `port`. */
function redisPings(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('error', () => resolve(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (b) => {
			socket.destroy();
			resolve(b.toString().startsWith('+PONG'));
		});
	});
}

export async function startRedis(): Promise<Service> {
	if (!existsSync('/usr/bin/redis-server')) throw new Error('redis-server is not installed (apt-get install redis-server)');
	const port = await freePort();
	const dir = mkdtempSync(path.join(tmpdir(), 'nano-banana-redis-'));
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: 'ignore',
	});
	const kill = () => child.kill('SIGKILL');
	process.once('exit', kill);
	await waitUntil('redis-server', child, () => redisPings(port));
	return {
		host: '127.0.0.1',
		port,
		stop: async () => {
			await stopChild(child);
			process.removeListener('exit', kill);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Runs a Postgres command, as the `postgres` user when we are root. */
function asPostgres(cmd: string, args: string[]): { command: string; args: string[] } {
	const isRoot = process.getuid?.() === 0;
	return isRoot ? { command: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { command: cmd, args };
}

export async function startPostgres(): Promise<Postgres> {
	if (!existsSync(path.join(PG_BIN, 'initdb'))) throw new Error('PostgreSQL 15 is not installed (apt-get install postgresql)');
	const port = await freePort();
	const dir = mkdtempSync(path.join(tmpdir(), 'nano-banana-pg-'));
	if (process.getuid?.() === 0) {
		const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
		chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
	}
	const data = path.join(dir, 'data');
	const user = 'n8n';
	const password = 'n8n-test-password';
	const init = asPostgres(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-sync']);
	const res = spawnSync(init.command, init.args, { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`initdb failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
	const server = asPostgres(path.join(PG_BIN, 'postgres'), [
		'-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100',
	]);
	const child = spawn(server.command, server.args, { stdio: 'ignore' });
	const kill = () => child.kill('SIGKILL');
	process.once('exit', kill);
	const isReady = async () => spawnSync(path.join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
	await waitUntil('postgres', child, isReady);
	const create = spawnSync(path.join(PG_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, 'n8n'], { encoding: 'utf8' });
	if (create.status !== 0) throw new Error(`createdb failed: ${create.stderr}`);
	return {
		host: '127.0.0.1',
		port,
		database: 'n8n',
		user,
		password,
		stop: async () => {
			// runuser passes SIGTERM on to postgres (a "smart" shutdown; the test's clients are gone).
			await stopChild(child);
			process.removeListener('exit', kill);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
