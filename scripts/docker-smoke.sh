#!/usr/bin/env bash
# Docker smoke test: build the image, run it, and use it as a client would.
#   bash scripts/docker-smoke.sh            (NODE_VERSION=20 by default here; IMAGE=sofort-sandbox:smoke)
#   SMOKE_REV=HEAD bash scripts/docker-smoke.sh   builds a clean export of that commit instead of
#                                                 the working tree (uncommitted files left out)
# Checks: the image builds; the container becomes "healthy" through the Dockerfile's own
# HEALTHCHECK within MAX_HEALTHY_MS (default 10 s; time measured and printed); the OCI labels
# are there; it runs as a non-root user; POST /v1/json/orders creates an order, GET reads it
# back, the payment page answers; a default container refuses control calls without the token
# it printed and accepts them with it; `docker stop` (SIGTERM) ends it cleanly with exit code 0;
# a new container on the same /data volume still knows the order and the same token;
# `docker compose up --wait` with compose.yaml is healthy in time and the CI example's client
# step works in it.
#
# Containers use --network host (machines without a docker0 bridge, like the project's, have
# no other network). The container listens on a free port of this machine, on 127.0.0.1 only.
#
# Without a container registry, `node:<version>-bookworm-slim` comes from a local stand-in:
# $BASE_IMAGE_SCRIPT (default ../shared/tools/docker-base-image.sh beside the project) builds
# one when the image is missing and also starts dockerd when no engine answers.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=${NODE_VERSION:-20}
IMAGE=${IMAGE:-sofort-sandbox:smoke}
BASE="node:${NODE_VERSION}-bookworm-slim"
BASE_IMAGE_SCRIPT=${BASE_IMAGE_SCRIPT:-../shared/tools/docker-base-image.sh}
KEY=smoke-test-key-0001
name="sofort-smoke-$$"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'SMOKE TEST FAILED: %s\n' "$*" >&2; exit 1; }

# ---- engine and base image -------------------------------------------------------------------
if ! docker info >/dev/null 2>&1 || ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if [ -f "$BASE_IMAGE_SCRIPT" ]; then
    step "preparing the Docker engine and $BASE with $BASE_IMAGE_SCRIPT"
    bash "$BASE_IMAGE_SCRIPT" "$BASE"
  fi
fi
docker info >/dev/null 2>&1 || fail "no Docker engine answers (docker info)"
docker image inspect "$BASE" >/dev/null 2>&1 || step "$BASE is not present locally: docker build will try to pull it"

# The official node images ship Node's C headers (/usr/local/include/node), which node-gyp
# needs to compile better-sqlite3 when no prebuilt binary can be downloaded. A local stand-in
# without them gets them from this machine's Node, when that is the very same Node version.
if docker image inspect "$BASE" >/dev/null 2>&1 \
  && ! docker run --rm --network host "$BASE" test -f /usr/local/include/node/node_version.h; then
  base_version=$(docker run --rm --network host "$BASE" node -p process.version)
  headers=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
  if [ "$base_version" = "$(node -p process.version)" ] && [ -f "$headers/node_version.h" ]; then
    step "adding Node $base_version headers from $headers to $BASE (as in the official image)"
    ctx=$(mktemp -d)
    cp -a "$headers" "$ctx/node"
    printf 'FROM %s\nCOPY node /usr/local/include/node\n' "$BASE" >"$ctx/Dockerfile"
    docker build -q --network host -t "$BASE" "$ctx" >/dev/null
    rm -rf "$ctx"
  else
    step "warning: $BASE has no Node headers; better-sqlite3 must find a prebuilt binary or download headers"
  fi
fi

# ---- build ---------------------------------------------------------------------------------------
context=.
if [ -n "${SMOKE_REV:-}" ]; then
  context=$(mktemp -d)
  git archive "$SMOKE_REV" | tar -x -C "$context"
  step "build context: git archive $SMOKE_REV ($(git rev-parse --short "$SMOKE_REV"))"
fi
step "docker build --network host --build-arg NODE_VERSION=$NODE_VERSION -t $IMAGE $context"
docker build --network host --build-arg "NODE_VERSION=$NODE_VERSION" \
  --build-arg "VERSION=$(node -p "require('./package.json').version")" --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -t "$IMAGE" "$context" || fail "docker build"
[ "$context" = . ] || rm -rf "$context"
docker image ls "$IMAGE"

# ---- run -----------------------------------------------------------------------------------------
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; docker volume rm "$name-data" >/dev/null 2>&1 || true; }
trap cleanup EXIT
step "docker run --network host -e PORT=$port -e HOST=127.0.0.1 $IMAGE"
# HOST=127.0.0.1: with the host's network, listen on loopback only. The image's own
# HEALTHCHECK (no override here): its interval is what compose's service_healthy waits on.
started_ms=$(date +%s%3N)
docker run -d --name "$name" --network host -e "PORT=$port" -e HOST=127.0.0.1 -v "$name-data:/data" "$IMAGE" >/dev/null

health=""
for _ in $(seq 1 300); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$name" 2>/dev/null || echo gone)
  [ "$health" = healthy ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || { docker logs "$name" || true; fail "container stopped"; }
  sleep 0.2
done
[ "$health" = healthy ] || { docker logs "$name"; fail "container not healthy after 60 s (status: $health)"; }
healthy_ms=$(( $(date +%s%3N) - started_ms ))
echo "container health: $health after ${healthy_ms} ms (docker run to healthy)"
# The check runs every 2 s: healthy within a few seconds, not the 30 s interval of before.
[ "$healthy_ms" -le "${MAX_HEALTHY_MS:-10000}" ] || fail "healthy only after ${healthy_ms} ms (limit ${MAX_HEALTHY_MS:-10000} ms)"

step "OCI labels"
for label in title description licenses version revision created; do
  value=$(docker image inspect -f "{{index .Config.Labels \"org.opencontainers.image.$label\"}}" "$IMAGE")
  [ -n "$value" ] || fail "the image has no org.opencontainers.image.$label label"
  echo "org.opencontainers.image.$label=$value"
done

uid=$(docker exec "$name" id -u)
[ "$uid" != 0 ] || fail "the container runs as root"
echo "runs as uid $uid ($(docker exec "$name" id -un))"

step "GET /health"
curl -fsS "$base/health"; echo

step "POST /v1/json/orders"
created=$(curl -sS -X POST "$base/v1/json/orders" -H "api_key: $KEY" -H 'Content-Type: application/json' \
  -d '{"type":"redirect","gateway":"DIRECTBANK","order_id":"smoke-1","currency":"EUR","amount":1000,"description":"Smoke test","customer":{"country":"DE","locale":"de_DE"}}')
echo "$created"
payment_url=$(node -e 'const r=JSON.parse(process.argv[1]); if(!r.success||r.data.order_id!=="smoke-1") process.exit(1); console.log(r.data.payment_url)' "$created") \
  || fail "create-order did not answer success with order_id smoke-1"

step "GET /v1/json/orders/smoke-1"
got=$(curl -sS "$base/v1/json/orders/smoke-1" -H "api_key: $KEY")
echo "$got"
node -e 'const r=JSON.parse(process.argv[1]); if(!r.success||r.data.order_id!=="smoke-1"||r.data.status!=="initialized"||r.data.amount!==1000) process.exit(1)' "$got" \
  || fail "get-order did not return the order as created"

step "GET payment_url $payment_url"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$payment_url")
[ "$code" = 200 ] || fail "payment page answered $code"
echo "payment page: $code"

step "wrong input is a MultiSafepay error, not a crash"
bad=$(curl -sS -X POST "$base/v1/json/orders" -H "api_key: $KEY" -H 'Content-Type: application/json' -d '{"type":')
echo "$bad"
node -e 'const r=JSON.parse(process.argv[1]); if(r.success!==false||!r.error_code) process.exit(1)' "$bad" || fail "malformed JSON was not answered with an error envelope"

step "the control plane is closed to callers without the token the container printed"
token=""
for _ in $(seq 1 30); do
  token=$(docker logs "$name" 2>&1 | sed -n 's/^Control token (x-sandbox-token header or ?token=): \([A-Za-z0-9]*\)$/\1/p' | awk 'NR==1')
  [ -n "$token" ] && break
  sleep 1
done
[ -n "$token" ] || { docker logs "$name"; fail "the container printed no control token"; }
# Read the log whole first: with pipefail, grep -q leaving early would fail the pipe (SIGPIPE).
logs=$(docker logs "$name" 2>&1)
grep -q "^Dashboard: http://.*/dashboard?token=$token\$" <<<"$logs" || fail "the dashboard address with the token was not printed"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/_sandbox/reset")
[ "$code" = 401 ] || fail "POST /_sandbox/reset without the token answered $code, not 401"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/dashboard")
[ "$code" = 401 ] || fail "GET /dashboard without the token answered $code, not 401"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "x-sandbox-token: $token" "$base/_sandbox/clock")
[ "$code" = 200 ] || fail "GET /_sandbox/clock with the printed token answered $code"
echo "without token: 401; with the printed token: 200"

step "docker stop (SIGTERM)"
docker stop -t 10 "$name" >/dev/null
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
docker logs "$name" 2>&1 | tail -n 3
[ "$exit_code" = 0 ] || fail "exit code after SIGTERM: $exit_code"

step "a new container on the same /data volume still has the order (DATA_DIR=/data)"
docker rm "$name" >/dev/null
docker run -d --name "$name" --network host -e "PORT=$port" -e HOST=127.0.0.1 -v "$name-data:/data" "$IMAGE" >/dev/null
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$base/health" 2>/dev/null && break; sleep 1; done
again=$(curl -sS "$base/v1/json/orders/smoke-1" -H "api_key: $KEY")
echo "$again"
node -e 'const r=JSON.parse(process.argv[1]); if(!r.success||r.data.order_id!=="smoke-1") process.exit(1)' "$again" \
  || fail "the order did not survive a restart on the same volume"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "x-sandbox-token: $token" "$base/_sandbox/clock")
[ "$code" = 200 ] || fail "the token kept in /data did not survive the restart (answered $code)"
docker stop -t 10 "$name" >/dev/null

# ---- compose.yaml and the CI example ----------------------------------------------------------
# What a team runs: `docker compose up -d --wait` with the repository's compose.yaml, then the
# terminal client inside the container, as examples/ci/github-actions.yml does. The override
# only swaps the published port for the host's network (see the top of this script).
if docker compose version >/dev/null 2>&1; then
  step "docker compose up -d --wait (compose.yaml, as in examples/ci/github-actions.yml)"
  cport=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  override=$(mktemp --suffix=.yaml)
  printf 'services:\n  sofort-sandbox:\n    network_mode: host\n    ports: !reset []\n    environment:\n      HOST: 127.0.0.1\n' >"$override"
  project="sofort-smoke-compose-$$"
  compose() { SOFORT_SANDBOX_IMAGE="$IMAGE" SANDBOX_PORT="$cport" SANDBOX_API_KEY=ci-test-api-key-0001 SANDBOX_CONTROL_TOKEN=ci-control-token \
    docker compose -p "$project" -f compose.yaml -f "$override" "$@"; }
  compose_cleanup() { compose down -v >/dev/null 2>&1 || true; rm -f "$override"; }
  trap 'compose_cleanup; cleanup' EXIT
  started_ms=$(date +%s%3N)
  compose up -d --wait --no-build || { compose logs || true; fail "docker compose up --wait"; }
  compose_ms=$(( $(date +%s%3N) - started_ms ))
  echo "compose up --wait returned after ${compose_ms} ms"
  [ "$compose_ms" -le "${MAX_HEALTHY_MS:-10000}" ] || fail "compose waited ${compose_ms} ms for a healthy sandbox (limit ${MAX_HEALTHY_MS:-10000} ms)"

  step "CI example step: docker compose exec -T sofort-sandbox node dist/sofort-sandbox.mjs trigger completed"
  compose exec -T sofort-sandbox node dist/sofort-sandbox.mjs trigger completed || fail "trigger in the container"
  compose exec -T sofort-sandbox node dist/sofort-sandbox.mjs logs >/dev/null || fail "logs in the container"
  compose_cleanup
  trap cleanup EXIT
else
  step "warning: no docker compose plugin here: compose.yaml and the CI example were not exercised"
fi
printf '\nDocker smoke test passed (%s on %s): healthy after %s ms%s.\n' "$IMAGE" "$BASE" "$healthy_ms" "${compose_ms:+, compose up --wait ${compose_ms} ms}"
