const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// tsc does not copy assets: put the icons (and the node's codex file) next to the
// compiled files in dist/, where n8n looks for them.
function copyNodeAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.png', 'nodes/**/*.node.json'], { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
}

function copyCredentialAssets() {
	return src(['credentials/**/*.svg', 'credentials/**/*.png'], {
		encoding: false,
		allowEmpty: true,
	}).pipe(dest(path.resolve('dist', 'credentials')));
}

task('build:icons', parallel(copyNodeAssets, copyCredentialAssets));
