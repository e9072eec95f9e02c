# Aforo production image: the web server (Next.js custom server + socket.io) and, with another
# command, the collector. Used by docker-compose.yml (services `app` and `collector`).
FROM node:20-bookworm-slim

WORKDIR /opt/aforo

# Dependencies first (layer cache). devDependencies are needed by `next build` (TypeScript);
# tsx, which runs the server, is a regular dependency.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# release:manifest runs last, after `next build` (which may rewrite tsconfig.json): the SHA-256 of
# every shipped file and the global hash that the server verifies at start-up and shows in
# /api/health and the UI footer (A30-SEC-14). The files stay root-owned; the server runs as `node`.
RUN npm run build \
 && npm run build:collector \
 && npm run release:manifest \
 && mkdir -p /var/lib/aforo /etc/aforo \
 && chown -R node:node /var/lib/aforo

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    AFORO_DATA_DIR=/var/lib/aforo

USER node
EXPOSE 3000
VOLUME ["/var/lib/aforo"]

# The collector overrides this with `node --max-semi-space-size=4 --max-old-space-size=128 dist/collector.mjs collect --config …`
# (the bundle built above by `npm run build:collector`: plain node, no tsx; BENCHMARKS.md).
CMD ["npx", "tsx", "server/main.ts"]
