#!/usr/bin/env bash
# Package test: the tarball `npm pack` makes, installed into empty folders and used as a user
# would — `npx ferrous` (signals included), CommonJS and ESM scripts that embed it, a Jest suite
# on the global-setup helper, the Lua sandbox, and the plugin starter exactly as docs/plugins.md
# tells it. Needs only the npm registry; no stdin. Everything runs in one temporary folder,
# removed at the end with every process started here.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/test/package"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferrous-package-XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_loglevel=error
step() { printf '\n== %s\n' "$*"; }
fail() { echo "package test FAILED: $*" >&2; exit 1; }
# The port a server started with --port 0 bound, from its ready line in its log (a port found
# free beforehand could be taken by another process before the server binds it).
bound_port() {
  for _ in $(seq 300); do
    local p
    p=$(sed -nE 's/.*Ready to accept connections on port ([0-9]+).*/\1/p' "$1" | head -1)
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  fail "the server did not get ready: $(cat "$1")"
}
# SIGTERM to an `npx ferrous` and wait for the server's last line in its log.
stop_npx() {
  kill -TERM "$1"
  wait "$1" || true
  for _ in $(seq 100); do grep -q 'ready to exit, bye bye' "$2" && return 0; sleep 0.1; done
  fail "the server did not stop: $(cat "$2")"
}

step "npm pack (builds through prepare)"
cd "$ROOT"
TGZ="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -1)"
[ -f "$TGZ" ] || fail "no tarball"
CONTENTS=$(tar -tzf "$TGZ")
grep -q '^package/dist/vendor/fengari/src/lvm.js$' <<<"$CONTENTS" || fail "the patched Lua VM is not in the package"
grep -q '^package/dist/kernel/commands/redis-7.0.json$' <<<"$CONTENTS" || fail "command metadata missing"
! grep -qE '^package/(test|bench|kernel|modules|scripts)/|\.map$' <<<"$CONTENTS" || fail "the package ships sources, tests or maps"

step "install into an empty project"
APP="$WORK/app"
mkdir "$APP"
cp -r "$HERE/app/." "$APP/"
cd "$APP"
npm init -y >/dev/null
npm install "$TGZ" ioredis@5 jest@29 >/dev/null
[ ! -d node_modules/fengari ] || fail "a plain fengari was installed next to the patched one"

step "npx ferrous --version / --help"
npx ferrous --version | grep -E '^Ferrous server v=[0-9.]+ redis=7\.0\.[0-9]+' || fail "--version"
npx ferrous --help | grep -q '^Usage: ferrous \[/path/to/redis.conf\] \[options\]' || fail "--help"

step "npx ferrous --port <p>: PING, then SIGTERM through npx"
npx ferrous --port 0 --bind 127.0.0.1 --save '' >"$WORK/npx.log" 2>&1 &
NPX=$!
PIDS+=("$NPX")
PORT=$(bound_port "$WORK/npx.log")
node ping.js "$PORT"
# npm's own exit status reports the signal; what matters is that the server stops with it.
stop_npx "$NPX" "$WORK/npx.log"
grep -qE 'Received SIGTERM|The npm process that started Ferrous exited' "$WORK/npx.log" || fail "SIGTERM not handled: $(cat "$WORK/npx.log")"
! node ping.js "$PORT" 300 2>/dev/null || fail "the port is still open"
[ ! -e dump.rdb ] || fail "dump.rdb written"

step "a config file and flags, as redis-server takes them"
printf 'port 1\nbind 127.0.0.1\nsave ""\n' >redis.conf
npx ferrous redis.conf --port 0 >"$WORK/conf.log" 2>&1 &
PIDS+=("$!")
PORT=$(bound_port "$WORK/conf.log")
[ "$PORT" != 1 ] || fail "--port did not override the file's port"
node ping.js "$PORT"
stop_npx "${PIDS[-1]}" "$WORK/conf.log"
if npx ferrous redis.conf --port nope >"$WORK/bad.log" 2>&1; then fail "a bad flag was accepted"; fi
grep -q "^>>> 'port \"nope\"'$" "$WORK/bad.log" || fail "the bad flag is not named: $(cat "$WORK/bad.log")"

step "CommonJS and ESM scripts embedding Ferrous"
node cjs.js
node esm.mjs

step "the Lua sandbox is on in the installed copy"
node sandbox.js

step "a Jest suite on the global-setup helper"
CI=true npx jest --ci test/ 2>&1 | tail -5

step "the plugin starter, verbatim from docs/plugins.md"
awk '/<!-- package-test: plugin-starter -->/ {on=1; next} on && /^```sh$/ {inblock=1; next} inblock && /^```$/ {exit} inblock {print}' \
  "$ROOT/docs/plugins.md" >"$WORK/starter.sh"
[ -s "$WORK/starter.sh" ] || fail "no plugin-starter block in docs/plugins.md"
(cd "$WORK" && FERROUS="$TGZ" bash -euo pipefail "$WORK/starter.sh") >"$WORK/starter.log" 2>&1 || fail "$(cat "$WORK/starter.log")"
grep -E '^# (tests|pass|fail) ' "$WORK/starter.log"
grep -q '^# fail 0$' "$WORK/starter.log" || fail "$(cat "$WORK/starter.log")"
PLUGIN="$WORK/ferrous-plugin-starter"

step "a plugin folder with its own Ferrous copy is refused with the fix"
if npx ferrous --port 0 --save '' --loadmodule "$PLUGIN" >"$WORK/copy.log" 2>&1; then fail "the second copy was accepted"; fi
grep -q "loaded a second copy of Ferrous from $PLUGIN/node_modules/ferrous" "$WORK/copy.log" || fail "$(cat "$WORK/copy.log")"
! grep -q 'TypeInfo not known' "$WORK/copy.log" || fail "raw tsyringe error"

step "the packed plugin, installed into the app, loaded by name"
(cd "$PLUGIN" && npm pack --silent >/dev/null)
npm install "$PLUGIN"/ferrous-plugin-starter-1.0.0.tgz >/dev/null
npx ferrous --port 0 --bind 127.0.0.1 --save '' --loadmodule ferrous-plugin-starter >"$WORK/plugin.log" 2>&1 &
PIDS+=("$!")
PORT=$(bound_port "$WORK/plugin.log")
node ping.js "$PORT"
node -e "
const Redis = require('ioredis');
const r = new Redis({ port: $PORT, host: '127.0.0.1' });
r.call('STARTER.MAX', 'k', '42').then((v) => { if (v !== 42) throw new Error('STARTER.MAX: ' + v); r.disconnect(); console.log('plugin ok'); });
"
grep -q 'Plugins: starter 1.0.0' "$WORK/plugin.log" || fail "start-up lines do not name the plugin: $(cat "$WORK/plugin.log")"
stop_npx "${PIDS[-1]}" "$WORK/plugin.log"

step "without its patched Lua VM, the installed server refuses to start"
rm -rf node_modules/ferrous/dist/vendor
if npx ferrous --port 0 --save '' >"$WORK/novm.log" 2>&1; then fail "started without the patched VM"; fi
grep -q "Cannot load built-in module 'scripting' from .*: the patched Lua VM is missing at .*npm run build" "$WORK/novm.log" || fail "$(cat "$WORK/novm.log")"

printf '\npackage test passed\n'
