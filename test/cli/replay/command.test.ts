import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/program.js";
import { replayCommand } from "../../../src/cli/replay/command.js";
import { captureIo } from "../../support/cli-io.js";
import { tempDirsPerTest } from "../../support/temp-dir.js";

const tempDir = tempDirsPerTest("symphony-replay-cmd-");

const record = (at: string, event: object) =>
  `${JSON.stringify({ received_at: at, issue_id: "i", issue_identifier: "ABC-9", run_id: "r1", event })}\n`;

describe("symphony replay (command)", () => {
  it("a missing path or a directory without runs exits 1 with a message", async () => {
    const dir = await tempDir();
    const missing = captureIo(dir);
    expect(await replayCommand(join(dir, "nope"), { follow: false, latest: false }, missing)).toBe(1);
    expect(missing.err()).toBe(`symphony replay: ${join(dir, "nope")} does not exist\n`);
    const empty = captureIo(dir);
    expect(await replayCommand(dir, { follow: false, latest: true }, empty)).toBe(1);
    expect(empty.err()).toContain("no *.events.jsonl runs");
  });

  it("is registered on the CLI: `symphony replay <relative path> --latest` resolves against cwd", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "logs", "ABC-9"), { recursive: true });
    await writeFile(
      join(dir, "logs", "ABC-9", "r1.events.jsonl"),
      record("2026-01-01T00:00:00.000Z", { type: "output", stream: "stderr", line: "warming up", at: 0 }) +
        record("2026-01-01T00:00:02.000Z", {
          type: "turn_failed",
          turn: 1,
          reason: "turn_timeout",
          message: "slow",
          at: 0,
        }),
    );
    await writeFile(
      join(dir, "logs", "ABC-9", "r1.log"),
      "2026-01-01T00:00:03.000Z [run] ended outcome=failed reason=turn timeout\n",
    );
    const io = captureIo(dir);
    expect(await runCli(["replay", "logs/ABC-9", "--latest"], io)).toBe(0);
    expect(io.out()).toContain("run r1 issue ABC-9 started 2026-01-01T00:00:00.000Z\n");
    expect(io.out()).toMatch(/\+02\.0s {2}turn_failed\s+turn 1 failed \(turn_timeout\): slow\n/);
    expect(io.out()).toContain("outcome failed (turn timeout)\n");
    expect(io.out()).toContain("duration 2s\n");
  });
});
