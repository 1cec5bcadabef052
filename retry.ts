/**
 * Retries `fn` at a fixed interval. A Temporal server opens its port a moment before it serves requests
 * (and in production may restart under a process), so first connections and first calls use this.
 */
export async function retry<T>(fn: () => Promise<T>, { attempts = 60, intervalMs = 500 } = {}): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
