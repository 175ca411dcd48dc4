# pathproof: Node 24 LTS on Debian bookworm, Debian's Chromium, fonts for emoji and CJK text,
# running as a non-root user (uid 10001).
#   docker build -t pathproof .
#   docker run --rm pathproof demo
#   docker run --rm -v "$PWD:/pathproof" -e BASE_URL=https://shop.example pathproof run --after deploy
#
# Node 24 is an LTS line until April 2028; to build on Node 22 (LTS until April 2027):
#   docker build --build-arg NODE_MAJOR=22 -t pathproof .
# test/dockerfile.test.ts checks this file statically (Docker cannot pull images in CI).
ARG NODE_MAJOR=24

# --- build: every dependency, compile, then drop the dev dependencies -------------------
FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Exact versions from the lockfile; no install scripts run (none of the dependencies needs one).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.mjs ./scripts/
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

# --- runtime: what the CLI needs and nothing else ----------------------------------------
FROM node:${NODE_MAJOR}-bookworm-slim
# Chromium from Debian (pathproof never downloads a browser); fonts so screenshots show text
# in Latin scripts (liberation), emoji (noto-color-emoji) and Chinese, Japanese, Korean
# (wqy-zenhei), the set Playwright installs for Chromium on Debian; tini as PID 1, so
# Chromium's helper processes are reaped and SIGTERM reaches pathproof.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium \
      fonts-liberation \
      fonts-noto-color-emoji \
      fonts-wqy-zenhei \
      ca-certificates \
      tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PATHPROOF_CHROMIUM=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The demo's journeys (`pathproof demo`); your own are mounted at /pathproof/journeys.
COPY journeys/*.yaml ./journeys/
COPY LICENSE ./
RUN chmod +x /app/dist/cli/main.js \
 && ln -s /app/dist/cli/main.js /usr/local/bin/pathproof \
 && groupadd --gid 10001 pathproof \
 && useradd --uid 10001 --gid 10001 --create-home pathproof \
 && mkdir -p /pathproof \
 && chown pathproof:pathproof /pathproof
# Numeric, so Kubernetes' runAsNonRoot can verify it without a runAsUser.
USER 10001:10001
# Journeys are read from /pathproof/journeys and reports written to /pathproof/reports: mount your project here.
WORKDIR /pathproof
ENTRYPOINT ["/usr/bin/tini", "--", "pathproof"]
CMD ["run"]
