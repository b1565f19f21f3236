# Symphony as a container: `npm ci && npm run build && docker build -t symphony .`
#
# The TypeScript is compiled on the build machine (`dist/`, the same output `npm run build` gives);
# the image installs only the production dependencies in a separate stage and runs as uid 1000.
# BASE defaults to the official Node.js image; any image with node and npm at the same major works
# (the project's CI builds from a base it assembles from the machine's own node, as it cannot pull).
ARG BASE=node:20-slim

FROM ${BASE} AS deps
# a registry mirror for the install, if you use one (e.g. --build-arg NPM_CONFIG_REGISTRY=https://npm.example/)
ARG NPM_CONFIG_REGISTRY
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${BASE}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY dist ./dist
COPY deploy/docker/healthcheck.mjs ./healthcheck.mjs
# HOME (and the embedded store's default data directory) is the /data volume; the workflow is mounted at /config
ENV HOME=/data NODE_ENV=production SYMPHONY_PORT=8080
WORKDIR /data
# the service writes its store, workspaces and rescues under HOME=/data: the unprivileged user must own it
RUN chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["/config/WORKFLOW.md", "--port", "8080", "--no-tui"]
