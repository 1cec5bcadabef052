# One image for api, worker and the migration job; the command chooses the role.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN DATABASE_URL=postgresql://build@127.0.0.1:1/build npx prisma generate
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
