# syntax=docker/dockerfile:1
# GenFlow server image: the API and the built web app in one process.
#   docker build -t genflow .
#   docker run -p 3000:3000 -e AUTH_SECRET=$(openssl rand -base64 32) -v genflow-data:/data genflow

ARG NODE_VERSION=20

# ---- base: Node with the pinned pnpm ----------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \
    ONNXRUNTIME_NODE_INSTALL=skip \
    CI=true
RUN corepack enable
WORKDIR /repo

# ---- build: install everything, build the server bundle and the web app ----------------------
FROM base AS build
# Fetch packages from the lockfile alone first, so source edits do not invalidate this layer.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN corepack install
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch --frozen-lockfile
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --offline
RUN pnpm --filter @genflow/web build && pnpm --filter @genflow/server build
# The server with production dependencies only; workspace packages are already in the bundle.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter @genflow/server deploy --prod --legacy /out/server \
 && rm -rf /out/server/dist && cp -r apps/server/dist /out/server/dist \
 && cd /out/server && rm -rf src test bench *.config.ts eslint.config.js tsconfig.json

# ---- runtime: slim image, production dependencies, non-root ----------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    ONNXRUNTIME_NODE_INSTALL=skip
# Same layout as the repository, so the server finds the web app at ../web/dist.
WORKDIR /app/apps/server
COPY --from=build /out/server ./
COPY --from=build /repo/apps/web/dist /app/apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM for a graceful shutdown. Migrations run at start.
CMD ["node", "--enable-source-maps", "dist/main.js"]
