# sofort-sandbox container image.
#   docker build -t sofort-sandbox .
#   docker run --rm -p 8080:8080 -v sofort-data:/data sofort-sandbox
# Configured by environment variables (PORT, HOST, API_KEYS, TIME_SCALE, COUNTRIES, SEED,
# PUBLIC_URL, DATA_DIR, CONTROL_TOKEN, ...; `docker run --rm sofort-sandbox node dist/sofort-sandbox.mjs
# --help` lists them).
# Written for both BuildKit and the legacy builder (no heredocs, no cache mounts).

# Node 24 (LTS): the newest LTS line that the pinned better-sqlite3 12.x declares support for.
ARG NODE_VERSION=24

# ---- build: compile TypeScript and the native better-sqlite3 addon ------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 downloads a prebuilt binary when it can and otherwise compiles with node-gyp,
# which needs python3, make and a C++ compiler. They stay in this stage only.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# When the image ships Node's headers (the official images do, under /usr/local/include/node),
# node-gyp compiles against them instead of downloading them: the build then needs no network
# beyond the npm registry.
# --ignore-scripts: the package's own prepare script (the build) needs src/, copied below; the
# addon's install script then runs alone through npm rebuild.
RUN if [ -f /usr/local/include/node/node_version.h ]; then export npm_config_nodedir=/usr/local; fi \
 && npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-cli.mjs scripts/cli-loader.mjs scripts/clean-dist.mjs ./scripts/
# The build starts the CLI once to make V8's code cache for it (scripts/bundle-cli.mjs): it
# needs the views and fixtures it serves.
COPY views ./views
COPY fixtures ./fixtures
# Production dependencies only; keep the compiled addon, drop the compiler's leftovers.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
           node_modules/better-sqlite3/build/Release/*.a node_modules/better-sqlite3/build/Release/test_extension.node \
           node_modules/better-sqlite3/deps node_modules/better-sqlite3/src

# ---- runtime: production dependencies, built code, views and fixtures; no compiler ----------
FROM node:${NODE_VERSION}-bookworm-slim
# OCI annotations (docker inspect, registries). VERSION, REVISION and CREATED come from the
# build (docker build --build-arg VERSION=$(node -p "require('./package.json').version") ...).
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="sofort-sandbox" \
      org.opencontainers.image.description="Local stand-in for MultiSafepay's payment API and its Sofort (DIRECTBANK) payment method" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.documentation="docs/docker.md in the source repository" \
      org.opencontainers.image.base.name="node:${NODE_VERSION}-bookworm-slim"
# HOST=0.0.0.0: published ports arrive from outside the container. CONTROL_ALLOW_REMOTE=1: for
# the same reason the control plane (/_sandbox) and the dashboard must answer non-loopback
# callers, but never without a token: with no CONTROL_TOKEN the sandbox makes one at first
# start, keeps it in /data/control-token and prints the dashboard address with it (docker logs).
# Set CONTROL_TOKEN to choose it (compose, CI). CONTROL_OPEN=1 runs without any token, loudly
# warned. DATA_DIR=/data: orders, webhooks, clocks and the token survive restarts (mount a
# volume there; DATA_DIR= keeps everything in memory instead).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CONTROL_ALLOW_REMOTE=1 \
    CONTROL_OPEN= \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY views ./views
COPY fixtures ./fixtures
# /data holds the SQLite store; owned by the unprivileged user that runs the server.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
# The official images' unprivileged user (uid 1000).
USER node
EXPOSE 8080
# No curl in the slim image. The check is bash's /dev/tcp asking /health (a few milliseconds of
# CPU, where starting node for it costs about 40 ms), so it can run every 2 seconds: compose's
# `condition: service_healthy` and `up --wait` go on within about 2 s of start-up (30 s with the
# default interval). Not --start-interval: Docker Engines before 25 refuse to build with it.
HEALTHCHECK --interval=2s --timeout=2s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 2 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]
# node is PID 1 and handles SIGTERM/SIGINT itself (closes the server, exits 0).
CMD ["node", "dist/sofort-sandbox.mjs"]
