import { readdir } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { checkHooks } from "../../../src/cli/doctor/hooks-check.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { buildConfig } from "../../support/workflow-fixtures.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("doctor: hooks parse with bash -n", () => {
  it("each configured hook is checked; a syntax error fails with bash's message; nothing runs", async () => {
    const dir = await makeTempDir("symphony-doctor-hooks-");
    cleanups.push(dir.cleanup);
    const config = buildConfig(
      {
        hooks: {
          after_create: "git clone https://example.invalid/repo . && touch created",
          before_run: "if then fi",
          after_run: "cat <<'EOF'\nliteral $(touch ran)\nEOF",
        },
      },
      dir.path,
    );
    const env = { PATH: "/usr/bin:/bin", HOME: dir.path };
    const results = await checkHooks(config, env, AbortSignal.timeout(10_000));
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["hook after_create", "ok"],
      ["hook before_run", "fail"],
      ["hook after_run", "ok"],
    ]);
    expect(results[1]?.detail).toContain("syntax error");
    expect(results[1]?.fix).toBe("fix the shell syntax of hooks.before_run");
    expect((await readdir(dir.path)).filter((n) => n === "created" || n === "ran")).toEqual([]);
  });

  it("no hooks configured is ok", async () => {
    const dir = await makeTempDir("symphony-doctor-hooks-");
    cleanups.push(dir.cleanup);
    const results = await checkHooks(buildConfig({}, dir.path), {}, AbortSignal.timeout(10_000));
    expect(results).toEqual([{ name: "hooks", status: "ok", detail: "no hooks configured" }]);
  });
});
