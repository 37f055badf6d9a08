#!/usr/bin/env node
/**
 * Runs before `npm test` and `npm run demo` (npm's pre-scripts), so that both Quick start
 * commands work on a fresh clone: installs the dev toolchain from package-lock.json when
 * node_modules is missing or older than the lockfile, and does nothing otherwise.
 * Plain Node.js on purpose: it must run before anything is installed.
 *
 * --ignore-scripts: none of our dependencies needs an install script, and the lint plugin's own
 * preinstall (`npx only-allow pnpm`) fails under npm.
 */
const { execSync } = require('node:child_process');
const { statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mtime = (file) => {
	try {
		return statSync(path.join(root, file)).mtimeMs;
	} catch {
		return undefined;
	}
};

const installed = mtime('node_modules/.package-lock.json');
const lock = mtime('package-lock.json');
if (installed !== undefined && lock !== undefined && installed >= lock) process.exit(0);

process.stderr.write(
	installed === undefined
		? 'ensure-deps: node_modules is missing: npm ci --ignore-scripts\n'
		: 'ensure-deps: package-lock.json is newer than node_modules: npm ci --ignore-scripts\n',
);
execSync('npm ci --ignore-scripts --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
