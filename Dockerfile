# One image for api, worker and the migration job; the command chooses the role.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN DATABASE_URL=postgresql://build@127.0.0.1:1/build npx prisma generate
# the audit signing key's volume (docker-compose) starts out owned by the user that writes the key
RUN mkdir -p /var/lib/gxcase/audit && chown node:node /var/lib/gxcase/audit && chmod 700 /var/lib/gxcase/audit
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
