# One image for every service; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN npm i -g pnpm@10.34.9 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build && pnpm prune --prod

FROM node:20-bookworm-slim
RUN groupadd --system dragonfly && useradd --system --gid dragonfly --home-dir /var/lib/dragonfly --shell /usr/sbin/nologin dragonfly \
 && mkdir -p /var/lib/dragonfly /var/run/dragonfly /etc/dragonfly/certs && chown -R dragonfly:dragonfly /var/lib/dragonfly /var/run/dragonfly /etc/dragonfly
COPY --from=build --chown=root:root /src /opt/dragonfly
WORKDIR /opt/dragonfly
USER dragonfly
