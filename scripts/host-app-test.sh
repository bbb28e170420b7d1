#!/usr/bin/env bash
# CI for the example host app (issue #14): pack Envoi as npm would publish it, install the
# tarball into examples/host-app (its own node_modules, from the same npm cache, so it works
# offline once the root install ran), and run the host app's tests against the installed package.
# SQLite compiles from source here as in the root install where no prebuilt binary downloads.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
host=examples/host-app

# The tarball holds dist/: build it when this checkout has not (npm test builds it first).
[ -f dist/lib/index.js ] || npm run build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --ignore-scripts: `prepare` would rebuild what was just built.
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$tmp" | tail -n 1)
cp "$tmp/$tarball" "$host/envoi.tgz"

cd "$host"
rm -rf node_modules/envoi package-lock.json
npm install --prefer-offline --no-audit --no-fund --loglevel=error
# The host must get Envoi from its own node_modules, never from the repository around it.
node -e "const p=require.resolve('envoi/package.json',{paths:[process.cwd()]}); if(!p.startsWith(process.cwd()+'/node_modules/')) { console.error('envoi resolved outside the host app: '+p); process.exit(1) }"
npm test
echo "host app: tests passed against $tarball (packed from $root)"
