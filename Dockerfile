# syntax=docker/dockerfile:1
# Tandem server image: `docker build -t tandem .` then see deploy/compose.yaml.
# Build stage: everything needed to compile the server and the web app.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: the compiled server, the built web app and production dependencies only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=1234 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's own files stay root-owned and read-only to the server; only /data (documents) and
# /backups (for `tandem backup`, which refuses to write inside the data directory) are writable.
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
VOLUME ["/data"]
EXPOSE 1234
# Ready means: listening, the data directory writable, not shutting down.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/server/healthcheck.js"]
# SIGTERM drains: peers are told to reconnect (1012), every document is saved, then the process exits
# within SHUTDOWN_TIMEOUT_MS. Give `docker stop -t` a little more than that.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js", "serve"]
