#!/usr/bin/env bash
# Installs the real n8n that the end-to-end tests, the browser test and the demo run the package
# in (e2e/n8n-host: n8n 2.8.4, the newest n8n that runs on Node 20), once per machine, outside the
# clone, and prints its folder as the last line of stdout. Everything else goes to stderr.
#
#   scripts/install-n8n-host.sh            -> .../n8n-host-<hash>   (installs only if missing)
#   N8N_HOST_DIR=/some/dir scripts/install-n8n-host.sh   (use that folder instead of the cache)
#
# The folder is ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-nano-banana/n8n-host-<hash of the host's
# package.json and package-lock.json>, so a changed pin gets a new folder and a fresh clone on the
# same machine reuses the old one. A finished install holds the marker file .complete; an
# interrupted one is thrown away and redone. Two callers at once wait for each other (flock).
#
# Install scripts: npm 11 runs a dependency's install script only when the host's package.json
# `allowScripts` allows it. n8n needs exactly one native addon built: sqlite3 (its default
# database). Its prebuilt binary cannot be downloaded here, so node-gyp compiles it (python3, make,
# g++; about 3 minutes on 2 cores). The whole install takes 4 to 6 minutes and 2.3 GB on a fresh
# machine with an empty npm cache.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/e2e/n8n-host"
log() { printf '[n8n-host] %s\n' "$*" >&2; }

hash="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-12)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-nano-banana"
dir="${N8N_HOST_DIR:-$cache/n8n-host-$hash}"

check() { # the host works: n8n's CLI loads and sqlite3's native binding opens a database
	[ -f "$1/.complete" ] && [ -x "$1/node_modules/.bin/n8n" ] &&
		(cd "$1" && node -e "new (require('sqlite3').Database)(':memory:').close()") >/dev/null 2>&1
}

if check "$dir"; then
	log "reusing $dir"
	echo "$dir"
	exit 0
fi

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
log "waiting for the install lock $dir.lock" && flock 9
if check "$dir"; then # someone else finished it while we waited
	log "reusing $dir"
	echo "$dir"
	exit 0
fi

start=$SECONDS
work="$dir.partial"
rm -rf "$work" "$dir"
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$work/"
log "installing n8n into $work (4 to 6 minutes on a fresh machine)"
# `npm install`, not `npm ci`: n8n's lockfile misses some optional platform packages.
(cd "$work" && npm install --no-audit --no-fund --loglevel=error 1>&2)

if ! (cd "$work" && node -e "new (require('sqlite3').Database)(':memory:').close()") >/dev/null 2>&1; then
	log "sqlite3's binding was not built by the install; compiling it now (npm rebuild sqlite3)"
	(cd "$work" && npm rebuild sqlite3 --foreground-scripts 1>&2)
fi
(cd "$work" && node -e "new (require('sqlite3').Database)(':memory:').close()") ||
	{ log "sqlite3 still does not load: n8n cannot start"; exit 1; }
version="$("$work/node_modules/.bin/n8n" --version 2>/dev/null | tail -1)"
log "n8n $version installed in $((SECONDS - start)) s"

touch "$work/.complete"
mv "$work" "$dir"
echo "$dir"
