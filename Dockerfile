# One image for the four production services (and the standalone app); the command picks which one:
#   node dist/apps/command-api/src/main.js   node dist/apps/query-api/src/main.js
#   node dist/apps/relay/src/main.js         node dist/apps/projector/src/main.js
# docker-compose.yml sets the command of each service. See docs/deployment.md.
#
# Every stage starts from the same Debian (glibc) Node image: better-sqlite3 and the other native addons
# are compiled or fetched for the libc of the stage that runs `npm ci`, so the runtime must use the same one.
ARG NODE_IMAGE=node:20-bookworm-slim

# Tools to build native addons from source when no prebuilt binary matches (better-sqlite3).
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Compiles TypeScript to dist/ with the full (dev) dependency tree.
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# .dockerignore keeps node_modules, dist, secrets, certificates and local data out of the context.
COPY . .
RUN npm run build

# Runtime dependencies only, installed from the lock file on their own: no compiler, test runner or types
# reach the final image.
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CASETRAIL_DATA_DIR=/data
WORKDIR /app
# The code stays owned by root (the service cannot rewrite itself); only /data is the node user's.
RUN mkdir -p /data && chown node:node /data && chmod 0750 /data
# package.json carries "type": "module" and the "imports" map that resolves the #aliases to dist/.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001 9464 9465
# Readiness on whatever PORT the service was given; node, because the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/command-api/src/main.js"]
