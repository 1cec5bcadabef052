/**
 * The second half of `npm start`, once Postgres, Temporal and the generated Prisma client are in place: demo
 * data, worker and API, and the printed URLs. A module of its own because everything here loads the Prisma
 * client, which start.ts generates beside starting the servers (a new machine's longest waits).
 */
import { loadConfig } from '../config';
import type { superviseChildren } from './children';
import { urlHostOf } from './exposure';
import type { Say } from './local-mail';
import { dataDir } from './paths';
import { banner, seedData, waitReady } from './stack';

export async function startApplication(o: {
  env: NodeJS.ProcessEnv;
  say: Say;
  children: ReturnType<typeof superviseChildren>;
  started: number;
  temporalUi?: string;
  mailUi?: string;
}): Promise<void> {
  const { env, say, children, started, temporalUi, mailUi } = o;
  const config = loadConfig(env);
  // worker and API boot (bundling the workflows, compiling TypeScript: seconds on a new machine) while the
  // demo data is written; the URLs are printed only once both are done
  children.run('worker', 'worker.ts', env);
  children.run('api', 'api/server.ts', env);
  const demo = await seedData(env, config, say);
  const base = `http://${urlHostOf(config.host)}:${config.port}`;
  await waitReady(`${base}/readyz`, 120_000);
  process.stdout.write(
    banner({
      title: `政务信息资源共享时限监督 — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      base,
      temporalUi,
      mailUi,
      data: env.DATABASE_URL === process.env.DATABASE_URL ? '(external)' : dataDir,
      demo,
    }),
  );
}
