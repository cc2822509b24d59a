# syntax=docker/dockerfile:1
# Node.js 24, the active LTS release. npm reads allowScripts (package.json) and strict-allow-scripts
# (.npmrc): only the install scripts listed there run, and an unlisted one fails the build.
# Build stage: compile TypeScript (dist/) and the console (web/dist/).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Run stage: production dependencies and the compiled service only, as a non-root user. No tsx and no
# mock WeChat here: without WECHATY_PUPPET set to a real puppet, the bot's default account is not
# started and the log's first lines say so.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# A Chinese font, so the bulletin's chart renders its labels in PNG (the SVG leaves fonts to the reader).
# PostgreSQL's client programs (pg_dump, pg_restore) for npm run backup / restore and the daily backup.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk postgresql-client && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Role: all (default), api, worker or bot. Separate roles need DATABASE_URL.
ENTRYPOINT ["node", "dist/server/main.js"]
CMD ["all"]
