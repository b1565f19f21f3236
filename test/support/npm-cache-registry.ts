import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";

/** A loopback server that hands out package tarballs from this machine's npm cache (for `npm ci` offline). */
export interface NpmCacheRegistry {
  /** `http://127.0.0.1:PORT/` — pass as `--registry` / `npm_config_registry`. */
  readonly url: string;
  /** Paths asked for that the cache could not answer. */
  readonly misses: string[];
  close(): Promise<void>;
}

interface Cacache {
  get: ((cache: string, key: string) => Promise<{ data: Buffer }>) & {
    byDigest(cache: string, integrity: string): Promise<Buffer>;
  };
}

// npm's HTTP cache keys responses by URL; the lockfile's registry is the public one
const CACHE_KEY_PREFIX = "make-fetch-happen:request-cache:https://registry.npmjs.org";

/**
 * Serves what `npm ci` asks the registry for, read from `~/.npm/_cacache` with npm's own cache library:
 * any cached response by its registry path (package documents for lockfile entries without `resolved`,
 * tarballs), and tarballs by the integrity `package-lock.json` gives for their `resolved` path.
 */
export async function startNpmCacheRegistry(lockfile: string): Promise<NpmCacheRegistry> {
  const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
  const cacache = createRequire(join(npmRoot, "npm", "package.json"))("cacache") as Cacache;
  const cache = join(homedir(), ".npm", "_cacache");
  const lock = JSON.parse(readFileSync(lockfile, "utf8")) as {
    packages: Record<string, { resolved?: string; integrity?: string }>;
  };
  const byPath = new Map<string, string>();
  for (const entry of Object.values(lock.packages)) {
    if (entry.resolved === undefined || entry.integrity === undefined) continue;
    byPath.set(new URL(entry.resolved).pathname, entry.integrity);
  }
  const misses: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const integrity = byPath.get(path);
    const attempts = [
      ...(integrity === undefined ? [] : [() => cacache.get.byDigest(cache, integrity)]),
      async () => (await cacache.get(cache, `${CACHE_KEY_PREFIX}${path}`)).data,
    ];
    for (const attempt of attempts) {
      try {
        const data = await attempt();
        const type = path.endsWith(".tgz") ? "application/octet-stream" : "application/json";
        res.writeHead(200, { "content-type": type, "content-length": data.length });
        res.end(data);
        return;
      } catch {
        // not in the cache under this name
      }
    }
    misses.push(path);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    misses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
