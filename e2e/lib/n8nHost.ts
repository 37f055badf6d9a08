/**
 * One real n8n of the matrix (e2e/hosts, installed by scripts/install-n8n-host.sh) with this
 * package installed the way the Community Nodes screen installs it. Used by the end-to-end test, the browser test and the
 * demo.
 *
 *   const host = ensureN8nHost();                  // install once per machine, reuse after
 *   const tarball = packPackage(tmp);              // `npm pack` (its prepack builds dist/)
 *   const n8n = await N8nInstance.create(host, { binaryMode: 'filesystem' });
 *   n8n.installPackage(tarball);                   // into <user folder>/.n8n/nodes
 *   n8n.importCredentials([...]); n8n.importWorkflows([...]);
 *   const run = n8n.execute('workflowId');          // `n8n execute --id --rawOutput`, parsed
 *   const server = await n8n.start();               // `n8n start`, for the editor
 *
 * Every instance has its own user folder (a fresh sqlite database), encryption key and task
 * runner broker port, so runs never share state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME: string = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).name;

function log(message: string): void {
	process.stderr.write(`[n8n-host] ${message}\n`);
}

/** One n8n of the matrix (e2e/hosts/<name>), installed by scripts/install-n8n-host.sh. */
export interface N8nHost {
	/** The folder name in e2e/hosts, e.g. "n8n-2.41". */
	name: string;
	/** Where it is installed (outside the clone, in the cache). */
	dir: string;
	/** `n8n --version` of the installed host. */
	n8nVersion: string;
	/** `node --version` of the Node it runs on. */
	nodeVersion: string;
	/** The `bin` folder of that Node, put first on PATH; undefined: this machine's Node. */
	nodeBin: string | undefined;
	/** The binary data modes the matrix runs on this host. */
	binaryModes: BinaryMode[];
	installSeconds: number;
}

export const DEFAULT_HOST = 'n8n-2.8';

/** PATH with the host's Node first: n8n's CLI (and any script for the host) starts with `#!/usr/bin/env node`. */
export function hostPath(host: N8nHost): string | undefined {
	return host.nodeBin ? `${host.nodeBin}${path.delimiter}${process.env.PATH}` : process.env.PATH;
}

/**
 * Installs host `name` if this machine has none yet (README: "The n8n hosts"; progress on stderr), and
 * describes it. `E2E_HOST` picks the host when no name is given (default: n8n 2.8.4).
 */
export function ensureN8nHost(name = process.env.E2E_HOST || DEFAULT_HOST): N8nHost {
	const script = path.join(repoRoot, 'scripts', 'install-n8n-host.sh');
	const res = spawnSync('bash', [script, name], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`${script} ${name} failed (exit ${res.status})`);
	const dir = res.stdout.trim().split('\n').pop() ?? '';
	if (!existsSync(path.join(dir, 'node_modules', '.bin', 'n8n'))) throw new Error(`no n8n in "${dir}"`);
	const installed = JSON.parse(readFileSync(path.join(dir, 'host.json'), 'utf8')) as {
		n8n: string;
		node: string;
		nodeBin: string | null;
		installSeconds: number;
	};
	const spec = JSON.parse(readFileSync(path.join(repoRoot, 'e2e', 'hosts', name, 'package.json'), 'utf8')) as {
		nanoBananaHost: { binaryModes: BinaryMode[] };
	};
	return {
		name,
		dir,
		n8nVersion: installed.n8n,
		nodeVersion: installed.node,
		nodeBin: installed.nodeBin ?? undefined,
		binaryModes: spec.nanoBananaHost.binaryModes,
		installSeconds: installed.installSeconds,
	};
}

/**
 * Builds the package (`npm run build`) and packs it (`npm pack`) into `outDir`, exactly the files a
 * user would get from the registry; returns the tarball path.
 */
export function packPackage(outDir: string): string {
	mkdirSync(outDir, { recursive: true });
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: ['ignore', process.stderr, 'inherit'] });
	if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
	const res = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], {
		cwd: repoRoot,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (res.status !== 0) throw new Error(`npm pack failed (exit ${res.status})`);
	const [{ filename }] = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as Array<{ filename: string }>;
	return path.join(outDir, filename);
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, string>;
}

export interface ExecuteResult {
	code: number | null;
	/** The run as `n8n execute` prints it: `{data: {resultData: {runData, error?}}, status, ...}`. */
	result: RunResult | undefined;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface BinaryRef {
	id?: string;
	data?: string;
	mimeType?: string;
	fileName?: string;
	fileSize?: string;
	bytes?: number;
}

export interface OutputItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main: Array<OutputItem[] | null> };
}

export interface RunResult {
	status?: string;
	finished?: boolean;
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } } };
}

export type BinaryMode = 'default' | 'filesystem' | 'database';

export interface InstanceOptions {
	binaryMode?: BinaryMode;
	/** Kept after close() when set (the demo's editor keeps its workflows). */
	userFolder?: string;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	env?: Record<string, string>;
}

export class N8nInstance {
	readonly bin: string;
	readonly env: NodeJS.ProcessEnv;
	private server: ChildProcess | undefined;

	private readonly workers: ChildProcess[] = [];

	private constructor(
		readonly host: N8nHost,
		readonly userFolder: string,
		readonly binaryMode: BinaryMode,
		brokerPort: number,
		options: InstanceOptions,
	) {
		this.bin = path.join(host.dir, 'node_modules', '.bin', 'n8n');
		const keyFile = path.join(userFolder, '.encryption-key');
		if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(24).toString('hex'));
		this.env = {
			PATH: hostPath(host),
			HOME: process.env.HOME,
			TZ: 'UTC',
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: readFileSync(keyFile, 'utf8').trim(),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_LOG_LEVEL: options.logLevel ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_NO_COLOR: 'true',
			NO_COLOR: '1',
			// The task runner's Python half is not installed: keep it from trying.
			N8N_RUNNERS_MODE: 'internal',
			...options.env,
		};
	}

	static async create(host: N8nHost, options: InstanceOptions = {}): Promise<N8nInstance> {
		const userFolder = options.userFolder ?? mkdtempSync(path.join(tmpdir(), 'nano-banana-n8n-'));
		mkdirSync(userFolder, { recursive: true });
		return new N8nInstance(host, userFolder, options.binaryMode ?? 'filesystem', await freePort(), options);
	}

	get nodesDir(): string {
		return path.join(this.userFolder, '.n8n', 'nodes');
	}

	/** Where filesystem-mode binary data lives (`filesystem-v2:<relative path>`): 2.x `storage`, 1.x `binaryData`. */
	get storageDir(): string {
		const v2 = path.join(this.userFolder, '.n8n', 'storage');
		return existsSync(v2) ? v2 : path.join(this.userFolder, '.n8n', 'binaryData');
	}

	/**
	 * Installs the tarball the way n8n's Community Nodes screen does (CommunityPackagesService
	 * .downloadPackage in n8n 2.8): unpack into <nodes>/node_modules/<name>, drop dev, peer and
	 * optional dependencies from its package.json, `npm install` with n8n's own flags there, and
	 * record it in <nodes>/package.json. n8n then loads it from its `n8n` section.
	 */
	installPackage(tarball: string): void {
		const target = path.join(this.nodesDir, 'node_modules', PACKAGE_NAME);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		const nodesPackageJson = path.join(this.nodesDir, 'package.json');
		if (!existsSync(nodesPackageJson)) {
			writeFileSync(nodesPackageJson, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		}
		run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
		const pkgFile = path.join(target, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(readFileSync(pkgFile, 'utf8'));
		void devDependencies, peerDependencies, optionalDependencies;
		writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
		run(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--prefer-offline', '--loglevel=error'],
			{ cwd: target },
		);
		const nodes = JSON.parse(readFileSync(nodesPackageJson, 'utf8'));
		nodes.dependencies[PACKAGE_NAME] = pkg.version;
		writeFileSync(nodesPackageJson, JSON.stringify(nodes, null, 2));
	}

	/** `n8n import:credentials`: n8n encrypts the plain `data` with this instance's key. */
	importCredentials(credentials: CredentialToImport[]): void {
		const file = path.join(this.userFolder, 'credentials-to-import.json');
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		this.cli(['import:credentials', `--input=${file}`]);
		rmSync(file);
	}

	/** `n8n import:workflow --separate`, for workflow objects (each with its `id`). */
	importWorkflows(workflows: object[]): void {
		const dir = mkdtempSync(path.join(this.userFolder, 'workflows-to-import-'));
		workflows.forEach((wf, i) => writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(wf)));
		this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		rmSync(dir, { recursive: true, force: true });
	}

	/**
	 * Makes an imported workflow active (its webhooks answer once `n8n start` runs): 2.x
	 * `publish:workflow`; 1.x, which has no such command, `update:workflow --active=true`.
	 */
	activate(workflowId: string): void {
		const publish = existsSync(path.join(this.host.dir, 'node_modules', 'n8n', 'dist', 'commands', 'publish', 'workflow.js'));
		this.cli(publish ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true']);
	}

	/** Runs an n8n CLI command to its end; throws with its output when it fails. */
	cli(args: string[]): string {
		const res = spawnSync(this.bin, args, { env: this.env, encoding: 'utf8', cwd: this.userFolder, maxBuffer: 64 << 20 });
		if (res.status !== 0) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
		}
		return res.stdout;
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. On 2.x the run's JSON is printed after a few log lines
	 * (log level info): it starts at the first line that is exactly `{`. A failed run prints it
	 * after "Execution was NOT successful" and exits 1.
	 */
	async execute(workflowId: string, timeoutMs = 180_000): Promise<ExecuteResult> {
		const started = Date.now();
		const child = spawn(this.bin, ['execute', `--id=${workflowId}`, '--rawOutput'], {
			// the run's JSON is logged at level info: below that, nothing is printed
			env: { ...this.env, N8N_LOG_LEVEL: 'info' },
			cwd: this.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (b: Buffer) => out.push(b));
		child.stderr.on('data', (b: Buffer) => err.push(b));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		clearTimeout(timer);
		const stdout = Buffer.concat(out).toString('utf8');
		const stderr = Buffer.concat(err).toString('utf8');
		return { code, result: parseRunJson(stdout), stdout, stderr, ms: Date.now() - started };
	}

	/** The bytes of a binary item from a run: inline base64 (default mode) or the stored file. */
	binaryBytes(ref: BinaryRef): Buffer {
		if (ref.id) {
			const sep = ref.id.indexOf(':');
			const mode = ref.id.slice(0, sep);
			if (mode === 'database') return this.databaseBinary(ref.id.slice(sep + 1));
			if (!mode.startsWith('filesystem')) throw new Error(`binary data in unexpected mode: ${ref.id}`);
			const file = path.resolve(this.storageDir, ref.id.slice(sep + 1));
			if (!file.startsWith(this.storageDir + path.sep)) throw new Error(`binary id outside the storage: ${ref.id}`);
			return readFileSync(file);
		}
		if (typeof ref.data !== 'string') throw new Error('binary item holds neither an id nor data');
		return Buffer.from(ref.data, 'base64');
	}

	/**
	 * A binary stored in `database` mode: the `data` column of n8n's `binary_data` table in this
	 * instance's SQLite database, read with the host's own sqlite3 in the host's Node.
	 */
	private databaseBinary(fileId: string): Buffer {
		if (this.env.DB_TYPE && this.env.DB_TYPE !== 'sqlite') throw new Error(`reading binary data from ${this.env.DB_TYPE} is not implemented here`);
		const script = `const sqlite3 = require(require.resolve('sqlite3', { paths: [process.cwd()] }));
			const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
			db.get('SELECT data FROM binary_data WHERE fileId = ?', [process.argv[2]], (error, row) => {
				if (error) { console.error(error.message); process.exit(1); }
				process.stdout.write(row ? Buffer.from(row.data).toString('base64') : '');
				db.close();
			});`;
		const database = path.join(this.userFolder, '.n8n', 'database.sqlite');
		const res = spawnSync('node', ['-e', script, database, fileId], { cwd: this.host.dir, env: this.env, encoding: 'utf8', maxBuffer: 256 << 20 });
		if (res.status !== 0) throw new Error(`reading binary ${fileId} from ${database} failed: ${res.stderr}`);
		if (res.stdout === '') throw new Error(`no binary ${fileId} in ${database}`);
		return Buffer.from(res.stdout, 'base64');
	}

	/**
	 * `n8n start` on `port`; resolves when the REST API answers (GET /rest/settings gives JSON:
	 * /healthz/readiness says ready before the REST routes exist). n8n's output goes to a file,
	 * never to a pipe: a pipe whose reader died makes n8n spin on EPIPE.
	 */
	async start(port: number, timeoutMs = 180_000): Promise<string> {
		const url = `http://localhost:${port}`;
		if (!(await portIsFree(port))) throw new Error(`port ${port} is in use: stop what listens there or choose another port`);
		const env = { ...this.env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: 'localhost', N8N_EDITOR_BASE_URL: `${url}/`, N8N_SECURE_COOKIE: 'false' };
		const child = this.spawnLogged(['start'], env, this.logFile);
		this.server = child;
		let exited: number | null | undefined;
		child.on('exit', (code) => (exited = code));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited !== undefined) throw new Error(`n8n start exited (${exited}):\n${this.logTail()}`);
			try {
				const res = await fetch(`${url}/rest/settings`);
				if (res.ok && (res.headers.get('content-type') ?? '').includes('application/json')) return url;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not get ready within ${timeoutMs} ms:\n${this.logTail()}`);
	}

	/**
	 * `n8n worker` (queue mode: set EXECUTIONS_MODE=queue and the Redis and database settings in
	 * the instance's env). Each worker gets its own task runner broker port and log file
	 * (`worker-<n>.log`); resolves once the worker says it is ready for jobs.
	 */
	async startWorker(timeoutMs = 120_000): Promise<{ logFile: string; log: () => string }> {
		const n = this.workers.length + 1;
		const logFile = path.join(this.userFolder, `worker-${n}.log`);
		const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()) };
		const child = this.spawnLogged(['worker', '--concurrency=5'], env, logFile);
		this.workers.push(child);
		const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`n8n worker ${n} exited (${child.exitCode}):\n${log().slice(-4000)}`);
			if (/ready to receive jobs|Worker started|n8n worker is now ready/i.test(log())) return { logFile, log };
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n worker ${n} did not get ready within ${timeoutMs} ms:\n${log().slice(-4000)}`);
	}

	/** Output to a file, never to a pipe: a pipe whose reader died makes n8n spin on EPIPE. */
	private spawnLogged(args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
		const logFd = openSync(logFile, 'a');
		const child = spawn(this.bin, args, { env, cwd: this.userFolder, stdio: ['ignore', logFd, logFd] });
		closeSync(logFd);
		const killOnExit = () => child.kill('SIGKILL');
		process.once('exit', killOnExit);
		child.once('exit', () => process.removeListener('exit', killOnExit));
		return child;
	}

	/** Log file of `n8n start`. */
	get logFile(): string {
		return path.join(this.userFolder, 'n8n-start.log');
	}

	logTail(chars = 4000): string {
		try {
			return readFileSync(this.logFile, 'utf8').slice(-chars);
		} catch {
			return '';
		}
	}

	/** Stops `n8n start` and the workers (if running) and, unless the folder was given, deletes the user folder. */
	async close(keepFolder = false): Promise<void> {
		const stop = async (child: ChildProcess | undefined) => {
			if (!child || child.exitCode !== null || child.signalCode !== null) return;
			const gone = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await gone;
			clearTimeout(timer);
		};
		await Promise.all([stop(this.server), ...this.workers.splice(0).map(stop)]);
		this.server = undefined;
		if (!keepFolder) rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** The run JSON that `n8n execute` printed, from the first line that is exactly `{`. */
export function parseRunJson(stdout: string): RunResult | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start < 0) return undefined;
	// The JSON ends at the last line that is exactly `}`; log lines may follow it.
	let end = lines.length - 1;
	while (end > start && lines[end] !== '}') end--;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunResult;
	} catch {
		return undefined;
	}
}

/** Items a node put out on its first run, first output. */
export function nodeItems(result: RunResult | undefined, nodeName: string): OutputItem[] {
	const runs = result?.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) throw new Error(`node "${nodeName}" did not run`);
	const first = runs[0];
	if (first.error) throw new Error(`node "${nodeName}" failed: ${first.error.message} ${first.error.description ?? ''}`);
	return first.data?.main[0] ?? [];
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): void {
	const res = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
}

export { log };

/** The account the demo and the browser test create on a fresh n8n (the editor needs an owner). */
export const OWNER = {
	email: 'demo@nano-banana.example',
	firstName: 'Nano',
	lastName: 'Banana',
	password: 'NanoBanana-demo-1',
};

/** Creates the instance owner through n8n's REST API (POST /rest/owner/setup), unless there is one. */
export async function setupOwner(url: string): Promise<void> {
	const settings = (await (await fetch(`${url}/rest/settings`)).json()) as {
		data?: { userManagement?: { showSetupOnFirstLoad?: boolean } };
	};
	if (settings.data?.userManagement?.showSetupOnFirstLoad === false) return;
	const res = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'nano-banana-setup' },
		body: JSON.stringify(OWNER),
	});
	if (!res.ok) throw new Error(`owner setup failed: ${res.status} ${await res.text()}`);
}
