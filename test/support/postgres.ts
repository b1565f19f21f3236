import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./sshd.js";
import { POSTGRES, strictTools, toolMissing } from "./tools.js";

const run = promisify(execFile);

/** What to install when the server binaries are missing. */
export const POSTGRES_HINT = "PostgreSQL server binaries not found: apt-get install -y postgresql";

async function binDir(): Promise<string> {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? (await readdir(root)).sort().reverse() : [];
  for (const v of versions) {
    const dir = join(root, v, "bin");
    if (existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  throw new Error(POSTGRES_HINT);
}

/** True when Debian's PostgreSQL server is installed (tests skip otherwise, and fail under CI=true). */
export function postgresInstalled(): boolean {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return false;
  return readdirSync(root).some((v) => existsSync(join(root, v, "bin", "initdb")));
}

/**
 * Skip a PostgreSQL suite only when the server is missing and CI is not set (the shared rule of
 * test/support/tools.ts): under `CI=true` the tests run and fail with what to install.
 */
export function skipWithoutPostgres(): boolean {
  return (toolMissing(POSTGRES) !== null || !postgresInstalled()) && !strictTools();
}

/** A throw-away PostgreSQL cluster on a free loopback port. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<db>` of a fresh database. */
  newDatabase(): Promise<string>;
  readonly port: number;
  /** Stops the server (fast mode) and removes its data directory. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a PostgreSQL server with `initdb` + `pg_ctl` in a temporary directory (as the `postgres`
 * user when we are root: the server refuses to run as root), trust auth on 127.0.0.1 only.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), "symphony-pg-"));
  const data = join(dir, "data");
  const asRoot = userInfo().uid === 0;
  const exec = async (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    return asRoot ? run("runuser", ["-u", "postgres", "--", full, ...args]) : run(full, args);
  };
  if (asRoot) {
    const pg = await run("id", ["-u", "postgres"]);
    const gid = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
  }
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => exec("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  const stop = () => exec("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  await start();
  let n = 0;
  return {
    port,
    async newDatabase() {
      n += 1;
      const name = `t${n}_${process.pid}`;
      await exec("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await stop();
    },
    async start() {
      await start();
    },
    async close() {
      await stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One PostgreSQL server for a test file (started in `beforeAll` unless skipped, closed in `afterAll`).
 * `skip` is true on a machine without PostgreSQL outside CI; `server()` is valid inside tests otherwise.
 */
export function postgresPerFile(): { readonly skip: boolean; server(): TestPostgres } {
  const skip = skipWithoutPostgres();
  let pg: TestPostgres | null = null;
  beforeAll(async () => {
    if (!skip) pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });
  return {
    skip,
    server() {
      if (pg === null) throw new Error("PostgreSQL was not started for this file");
      return pg;
    },
  };
}

/** The stores the CLI end-to-end tests run on: WORKFLOW.md `store:` lines and the env they need. */
export type StoreChoice = [
  name: string,
  setup: () => Promise<{ yaml: string; env: Record<string, string> }>,
  skip: boolean,
];

/** The embedded default and (skipped without it) a fresh database on the file's PostgreSQL server. */
export function storeChoices(pg: ReturnType<typeof postgresPerFile>): StoreChoice[] {
  return [
    ["embedded", async () => ({ yaml: "", env: {} }), false],
    [
      `postgres (skipped without it: ${POSTGRES_HINT})`,
      async () => ({
        yaml: "store:\n  kind: postgres\n  url: $SYMPHONY_TEST_DB\n",
        env: { SYMPHONY_TEST_DB: await pg.server().newDatabase() },
      }),
      pg.skip,
    ],
  ];
}
