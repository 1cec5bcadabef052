import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// Prisma 6.19 runs offline only through the wasm engine + a driver adapter (see PLATFORM.md). Every command
// evaluates this file, so `generate` and `migrate diff` get a placeholder URL when none is set.
process.env.DATABASE_URL ??= 'postgresql://unset@127.0.0.1:1/unset';
const connectionString = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  // adapter-pg 7.x is the one whose migrations work (prisma/orm#27403); its type is from the 7.x utils package.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cross-major adapter type, runtime-compatible
  adapter: async () => new PrismaPg({ connectionString }) as any,
});
