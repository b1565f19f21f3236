import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { expandHome } from "../config/env-values.js";
import type { AttemptRecord } from "../domain/run-record.js";
import { STORES } from "../kinds.js";
import { formatDuration } from "../observability/format.js";
import { attemptJson } from "../observability/http/history-shapes.js";
import { LATEST_VERSION, schemaStatus } from "../store/migrations.js";
import { openMigrated, readStatus, type StoreTarget, storeTarget } from "../store/open.js";
import { SqlStore } from "../store/sql-store.js";
import { classifyStoreFailure } from "../store/store-error.js";
import { loadWorkflow } from "../workflow/loader.js";
import { formatWorkflowError, summariseErrors } from "../workflow/workflow-errors.js";
import { resolveWorkflowPath } from "../workflow/workflow-path.js";
import type { CliIo } from "./io.js";

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (`90m`, `2h`, `7d`) or an ISO date; epoch ms. */
export function parseSince(value: string, now: number): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (match !== null) return now - Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1_000);
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new InvalidArgumentError(`must be like 90m, 2h, 7d or an ISO date, got ${JSON.stringify(value)}`);
  return at;
}

function targetFor(
  path: string | undefined,
  dataDir: string | undefined,
  io: CliIo,
  name: string,
): StoreTarget | null {
  const workflow = resolveWorkflowPath(path, io.cwd);
  const loaded = loadWorkflow(workflow, { env: io.env });
  if (!loaded.ok) {
    io.stderr.write(`symphony ${name}: ${formatWorkflowError(summariseErrors(loaded.error))}\n`);
    return null;
  }
  const dir = dataDir === undefined ? null : resolve(io.cwd, expandHome(dataDir, io.env));
  const target = storeTarget(loaded.value.config.store, workflow, io.env, dir, STORES);
  if (!target.ok) {
    io.stderr.write(`symphony ${name}: ${target.error.code}: ${target.error.message}\n`);
    return null;
  }
  return target.value;
}

async function storeStatus(target: StoreTarget, io: CliIo): Promise<number> {
  const status = await readStatus(target);
  if (!status.ok) {
    io.stderr.write(`symphony store: ${status.error.code}: ${status.error.message}\n`);
    return 1;
  }
  const s = status.value;
  io.stdout.write(
    `store: ${target.kind} ${target.location}\nschema: ${s.current} (this symphony: ${s.latest})\n`,
  );
  if (s.current > LATEST_VERSION) {
    io.stdout.write("newer than this symphony: upgrade symphony before running it on this store\n");
    return 1;
  }
  for (const m of s.pending) io.stdout.write(`pending: ${m.version} ${m.name}\n`);
  return 0;
}

async function storeMigrate(target: StoreTarget, io: CliIo, now: number): Promise<number> {
  const before = await readStatus(target);
  const opened = await openMigrated(target, now);
  if (!opened.ok) {
    io.stderr.write(`symphony store: ${opened.error.code}: ${opened.error.message}\n`);
    return 1;
  }
  await opened.value.db.close();
  const from = before.ok ? before.value.current : 0;
  io.stdout.write(
    `store: ${target.kind} ${target.location}\nschema: ${from} -> ${opened.value.status.current}\n`,
  );
  return 0;
}

function runLine(r: AttemptRecord): string {
  const duration = r.endedAt === null ? "running" : formatDuration(r.endedAt - r.startedAt);
  const cost = r.costUsd === null ? "-" : `$${r.costUsd.toFixed(4)}`;
  const outcome = r.outcome ?? "running";
  const error = r.error === null || r.error.code === outcome ? "" : ` ${r.error.code}`;
  const cells = [
    new Date(r.startedAt).toISOString().slice(0, 19).replace("T", " "),
    r.identifier.padEnd(12),
    String(r.attempt ?? 0).padStart(3),
    `${outcome}${error}`.padEnd(24),
    duration.padStart(8),
    String(r.turns).padStart(5),
    `${r.tokens.inputTokens}/${r.tokens.outputTokens}/${r.tokens.totalTokens}`.padStart(20),
    cost.padStart(9),
    r.runId,
  ];
  const replay = r.eventsPath === null ? "" : `\n    replay: symphony replay ${r.eventsPath}`;
  return `${cells.join("  ")}${replay}\n`;
}

/** Flags of `symphony runs`. */
export interface RunsFlags {
  issue?: string;
  since?: string;
  json?: boolean;
  limit?: number;
  dataDir?: string;
}

async function listRuns(target: StoreTarget, flags: RunsFlags, io: CliIo, now: number): Promise<number> {
  let db: Awaited<ReturnType<StoreTarget["open"]>>;
  try {
    db = await target.open();
  } catch (cause) {
    const e = classifyStoreFailure(cause);
    io.stderr.write(`symphony runs: ${e.code}: ${e.message}\n`);
    return 1;
  }
  try {
    const status = await readStatusOn(db);
    if (status > LATEST_VERSION) {
      io.stderr.write(`symphony runs: store_schema_newer: schema ${status} is newer than this symphony\n`);
      return 1;
    }
    const runs =
      status === 0
        ? []
        : await new SqlStore(db, "cli").runs({
            ...(flags.issue === undefined ? {} : { issue: flags.issue }),
            ...(flags.since === undefined ? {} : { since: parseSince(flags.since, now) }),
            limit: flags.limit ?? 100,
          });
    if (flags.json === true) {
      io.stdout.write(`${JSON.stringify({ runs: runs.map(attemptJson) }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(
      `${["STARTED            ", "ISSUE       ", "TRY", "OUTCOME                 ", "    TIME", "TURNS", "      TOKENS in/out/all", "     COST", "RUN"].join("  ")}\n`,
    );
    for (const r of runs) io.stdout.write(runLine(r));
    return 0;
  } finally {
    await db.close();
  }
}

async function readStatusOn(db: Awaited<ReturnType<StoreTarget["open"]>>): Promise<number> {
  return (await schemaStatus(db)).current;
}

/** `symphony store status|migrate [path]`: 0 when the store is usable by this symphony. */
export async function storeCommand(
  name: "status" | "migrate",
  path: string | undefined,
  dataDir: string | undefined,
  io: CliIo,
): Promise<number> {
  const target = targetFor(path, dataDir, io, "store");
  if (target === null) return 1;
  return name === "status" ? storeStatus(target, io) : storeMigrate(target, io, Date.now());
}

/** `symphony runs [path]`: recorded attempts, newest first, as a table or JSON. */
export async function runsCommand(path: string | undefined, flags: RunsFlags, io: CliIo): Promise<number> {
  const target = targetFor(path, flags.dataDir, io, "runs");
  if (target === null) return 1;
  return listRuns(target, flags, io, Date.now());
}
