/**
 * The embedded default's child processes (worker, API): a child that dies unexpectedly is restarted with
 * backoff and the rest keep serving, so an embedded system a department leaves running survives a crash
 * (issue 14). Only `stopAll` (Ctrl-C, SIGTERM) stops them for good.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './paths';

/** First restart after 1 s, doubling to at most 30 s; a child that ran a minute counts as healthy again. */
export const RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

export interface Supervised {
  name: string;
  /** the running process (a new one after each restart) */
  readonly current: ChildProcess;
  readonly restarts: number;
}

export interface Children {
  /** a TypeScript entry point of this project (worker.ts, api/server.ts), run with tsx */
  run(name: string, entry: string, env: NodeJS.ProcessEnv): Supervised;
  /** any executable (the Temporal server, the UI server); `output` receives its stdout and stderr */
  runCommand(
    name: string,
    file: string,
    args: string[],
    opts: { env: NodeJS.ProcessEnv; output?: 'inherit' | 'ignore' | number },
  ): Supervised;
  stopAll(): Promise<void>;
}

export function superviseChildren(
  say: (m: string) => void,
  backoff = RESTART_BACKOFF,
  /** false while the caller shuts down before reaching stopAll: Ctrl-C reaches the children too */
  shouldRestart: () => boolean = () => true,
): Children {
  const all: { name: string; child: ChildProcess; restarts: number; timer?: NodeJS.Timeout }[] = [];
  let stopping = false;
  const halted = () => stopping || !shouldRestart();

  const spawnTsx = (entry: string, env: NodeJS.ProcessEnv) => () =>
    spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [path.join(projectRoot, entry)], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });

  process.once('exit', () => {
    for (const s of all) s.child.kill('SIGTERM');
  });

  const supervise = (name: string, spawnChild: () => ChildProcess): Supervised => {
    const slot = { name, child: spawnChild(), restarts: 0 } as (typeof all)[number];
    let delay = backoff.initialMs;
    const watch = (child: ChildProcess) => {
      const startedAt = Date.now();
      child.on('exit', (code, signal) => {
        if (halted()) return;
        if (Date.now() - startedAt >= backoff.healthyAfterMs) delay = backoff.initialMs;
        say(
          `${name} exited unexpectedly (code ${code}, signal ${signal}); restarting in ${delay / 1000} s ` +
            `(restart ${slot.restarts + 1})`,
        );
        slot.timer = setTimeout(() => {
          if (halted()) return;
          slot.restarts += 1;
          slot.child = spawnChild();
          watch(slot.child);
        }, delay);
        delay = Math.min(delay * 2, backoff.maxMs);
      });
    };
    watch(slot.child);
    all.push(slot);
    return {
      name,
      get current() {
        return slot.child;
      },
      get restarts() {
        return slot.restarts;
      },
    };
  };

  return {
    run: (name, entry, env) => supervise(name, spawnTsx(entry, env)),
    runCommand: (name, file, args, opts) =>
      supervise(name, () =>
        spawn(file, args, {
          cwd: projectRoot,
          env: opts.env,
          stdio: ['ignore', opts.output ?? 'inherit', opts.output ?? 'inherit'],
        }),
      ),
    async stopAll() {
      stopping = true;
      await Promise.all(
        all.map(
          (s) =>
            new Promise<void>((resolve) => {
              clearTimeout(s.timer);
              const c = s.child;
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
              setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
            }),
        ),
      );
    },
  };
}
