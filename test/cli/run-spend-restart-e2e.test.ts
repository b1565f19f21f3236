import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, startCli } from "../support/cli-process.js";
import { postgresPerFile, storeChoices } from "../support/postgres.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

// The real CLI with a real store (embedded file or PostgreSQL): spend counted before a kill -9 still
// counts after the restart, so a crash never hands an issue a fresh allowance.

const pg = postgresPerFile();
let dir: { path: string; cleanup: () => Promise<void> } | null = null;
const runs: CliRun[] = [];

afterEach(async () => {
  for (const r of runs.splice(0)) if (r.proc.exitCode === null) r.proc.kill("SIGKILL");
  await dir?.cleanup();
  dir = null;
});

const dispatches = (output: string): number => output.split('msg="dispatching issue"').length - 1;

const stores = storeChoices(pg);

describe.each(stores)("spend across kill -9 with the %s store", (_name, storeOf, skip) => {
  it.skipIf(skip)(
    "an issue that used up its turns cap is not dispatched again after a restart",
    async () => {
      const store = await storeOf();
      dir = await makeTempDir("symphony-spend-restart-");
      const root = dir.path;
      await mkdir(join(root, "project/issues"), { recursive: true });
      await mkdir(join(root, "home"));
      await writeFile(
        join(root, "project/issues/CAP-1.md"),
        "---\ntitle: never finishes\nstate: Todo\n---\n",
      );
      // the agent ends every turn without moving the issue: only the turns cap stops it
      await writeFile(
        join(root, "project/WORKFLOW.md"),
        `---\ntracker:\n  kind: local\npolling:\n  interval_ms: 500\nworkspace:\n  root: ${root}/ws\nagent:\n  backend: command\ncommand:\n  run: 'cat > /dev/null'\nlimits:\n  issue:\n    turns: 3\n${store.yaml}---\nwork\n`,
      );
      const start = () => {
        const run = startCli(join(root, "project/WORKFLOW.md"), root, join(root, "home"), store.env);
        runs.push(run);
        return run;
      };
      const first = start();
      await until(() => first.output().includes('msg="issue parked by a limit"'), 60_000, "parked");
      expect(first.output()).toMatch(/msg="issue parked by a limit".* key=limits\.issue\.turns/);
      expect(dispatches(first.output())).toBe(1);
      // the ledger is written in batches of 100 ms: give the batch time, then crash
      await new Promise((r) => setTimeout(r, 1_000));
      first.proc.kill("SIGKILL");
      await until(() => first.proc.exitCode !== null || first.proc.signalCode !== null, 10_000, "killed");

      const second = start();
      await until(() => second.output().includes('msg="issue parked by a limit"'), 60_000, "parked again");
      expect(second.output()).toMatch(/msg="issue parked by a limit".* used=3 .*key=limits\.issue\.turns/);
      // parked at the dispatch gate: no agent ran in the second process
      await new Promise((r) => setTimeout(r, 1_500));
      expect(dispatches(second.output())).toBe(0);
    },
    120_000,
  );
});
