# pathproof: Node 20 on Debian with Debian's Chromium, running as a non-root user.
#   docker build -t pathproof .
#   docker run --rm pathproof demo
#   docker run --rm -v "$PWD:/pathproof" -e BASE_URL=https://shop.example pathproof run --after deploy
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Chromium from Debian (Playwright's own browser download is not used); fonts so pages render text.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PATHPROOF_CHROMIUM=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY journeys ./journeys
RUN chmod +x /app/dist/cli/main.js \
 && ln -s /app/dist/cli/main.js /usr/local/bin/pathproof \
 && useradd --create-home --uid 10001 pathproof \
 && mkdir -p /pathproof \
 && chown pathproof:pathproof /pathproof
USER pathproof
# Journeys are read from /pathproof/journeys and reports written to /pathproof/reports: mount your project here.
WORKDIR /pathproof
ENTRYPOINT ["pathproof"]
CMD ["run"]
