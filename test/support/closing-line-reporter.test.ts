import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const config = fileURLToPath(new URL("./fixtures/closing-line/vitest.config.ts", import.meta.url));

/** Runs vitest on the fixture project (only the named fixture files); returns the closing line and exit code. */
function runFixture(files: string | string[], env: NodeJS.ProcessEnv = {}) {
  const ran = spawnSync(
    process.execPath,
    [`${root}node_modules/vitest/vitest.mjs`, "run", "--config", config, ...[files].flat()],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CI: "", FORCE_COLOR: "0", ...env },
      timeout: 60_000,
    },
  );
  const lines = ran.stdout.trimEnd().split("\n");
  return { line: lines.at(-1) ?? "", status: ran.status, output: ran.stdout + ran.stderr };
}

describe("the closing line never hides a failure", () => {
  it("a clean run: counts and exit 0 agree", () => {
    expect(runFixture("passes")).toMatchObject({ line: "1 passed, 0 failed, 1 skipped", status: 0 });
  });

  it("a failed beforeAll counts as a failure (its tests stay skipped), and the exit is 1", () => {
    expect(runFixture("hook-fails")).toMatchObject({ line: "0 passed, 1 failed, 2 skipped", status: 1 });
  });

  it("an unhandled error counts as a failure, and the exit is 1", () => {
    expect(runFixture("unhandled")).toMatchObject({ line: "1 passed, 1 failed, 0 skipped", status: 1 });
  });
});

describe("tests that need a missing tool", () => {
  it("skip with a reason naming what to install, and the run exits 0", () => {
    const run = runFixture("needs-tool");
    expect(run).toMatchObject({ line: "0 passed, 0 failed, 1 skipped", status: 0 });
    expect(run.output).toContain(
      "fixture-tool not found (/nowhere/fixture-tool); install it: apt-get install -y fixture-tool",
    );
  });

  it("fail under CI=true, with the same reason", () => {
    const run = runFixture("needs-tool", { CI: "true" });
    expect(run).toMatchObject({ line: "0 passed, 1 failed, 0 skipped", status: 1 });
    expect(run.output).toContain("install it: apt-get install -y fixture-tool");
  });

  it("run when the tool is there", () => {
    expect(runFixture("needs-tool", { FIXTURE_TOOL_PATH: process.execPath })).toMatchObject({
      line: "1 passed, 0 failed, 0 skipped",
      status: 0,
    });
  });
});
