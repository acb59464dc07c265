#!/usr/bin/env bash
# Fuzzes the API with schemathesis from the OpenAPI document it serves (generated from its code),
# against a throwaway demo server, as a partner and as a designer at once: every response must
# be no server error, carry the documented content type (JSON errors included) and match its
# documented schema.
# Usage: tests/fuzz/schemathesis.sh SERVER_BINARY  (scripts/test.sh passes the debug build)
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$MITRA_ROOT"
server_bin="$1"
SCHEMATHESIS_VERSION="4.32.5"
venv="$MITRA_CACHE/venv"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  say "Installing schemathesis $SCHEMATHESIS_VERSION in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MITRA_DB="$work/fuzz.db" MITRA_ADDR="127.0.0.1:$port" MITRA_TODAY=2026-11-15 MITRA_DEMO=true \
  "$server_bin" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/me")" = 401 ] && break
  kill -0 $server 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

token() { # email
  curl -fsS "$base/api/sessions" -H 'content-type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"mitra-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
partner=$(token owner@sinar-jaya.demo)
designer=$(token designer@nusantara.demo)

# Both roles at once, each against the same server, each logged apart and shown in turn.
roles=(partner designer)
pids=()
for who in "${roles[@]}"; do
  tok=${!who}
  # Signing out would end the token the run uses.
  "$venv/bin/schemathesis" run "$base/api/openapi.json" --url "$base" \
    -H "Authorization: Bearer $tok" \
    --exclude-operation-id signOut \
    --checks not_a_server_error,content_type_conformance,response_schema_conformance \
    --max-examples "${FUZZ_EXAMPLES:-25}" --max-time "${FUZZ_SECONDS:-150}" \
    --generation-deterministic --no-color --warnings off --request-timeout 10 \
    > "$work/$who.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!roles[@]}"; do
  wait "${pids[$i]}" || status=1
  say "schemathesis as a ${roles[$i]}"
  cat "$work/${roles[$i]}.log"
done
exit $status
