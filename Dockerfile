# syntax=docker/dockerfile:1
#
# One image for all six rtml services; the service is picked at run time:
#   docker run --rm rtml/rtml:0.1.0 serve infer        (= node bin/rtml.js serve infer)
# The Helm chart (charts/rtml) runs it as `node bin/rtml.js serve <service>` under uid 10001.
#
# Build and push (see docs/deployment.md; there is no Docker engine on the build machines):
#   docker build -t registry.example.com/rtml/rtml:0.1.0 .
#   docker push registry.example.com/rtml/rtml:0.1.0
# or without a daemon: buildah bud -t ... . / podman build -t ... . / kaniko in a cluster.
# For production pin the base image by digest: --build-arg NODE_IMAGE=node:22-slim@sha256:<digest>

ARG NODE_IMAGE=node:22-slim

# ---- deps: production dependencies only (tsx is one: the app runs its TypeScript through it) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev \
 && npm cache clean --force

# ---- runtime: Node, node_modules and the sources; nothing else ----
FROM ${NODE_IMAGE} AS runtime
ARG RTML_UID=10001
LABEL org.opencontainers.image.title="rtml" \
      org.opencontainers.image.description="rtml real-time ML mesh: ingest, validate, feature, infer, train, drift-monitor" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed numeric non-root user (the chart sets runAsUser 10001 and runAsNonRoot).
RUN groupadd --system --gid ${RTML_UID} rtml \
 && useradd --system --uid ${RTML_UID} --gid rtml --home-dir /app --no-create-home --shell /usr/sbin/nologin rtml
WORKDIR /app
ENV NODE_ENV=production \
    RTML_TRANSPORT=pulsar \
    GRPC_PORT=50051 \
    METRICS_PORT=9464
# Files stay owned by root and read-only for the app: the root filesystem can be mounted read-only.
# tsx writes its compile cache to $TMPDIR (/tmp), which the chart mounts as an emptyDir.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY proto ./proto
COPY services ./services
USER ${RTML_UID}:${RTML_UID}
EXPOSE 50051 9464
ENTRYPOINT ["node", "bin/rtml.js"]
CMD ["serve", "ingest"]
