import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/observability/log/index.js";
import { ManualClock } from "../../support/manual-clock.js";
import { tempDirPerTest } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, lines: () => text.split("\n").filter((l) => l !== "") };
}

const tmp = tempDirPerTest();

describe("structured logger (spec 13.1)", () => {
  it("13.1: text lines use stable key=value phrasing", async () => {
    const out = capture();
    const log = createLogger({ stderr: out.stream, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    log.info("dispatch completed", {
      outcome: "completed",
      attempt: 2,
      note: "two words",
      empty: null,
      skip: undefined,
    });
    await log.close();
    expect(out.lines()).toEqual([
      '2026-01-01T00:00:00.000Z level=info msg="dispatch completed" outcome=completed attempt=2 note="two words" empty=null',
    ]);
  });

  it("JSON lines carry ts, level, msg and the fields", async () => {
    const out = capture();
    const log = createLogger({ stderr: out.stream, format: "json", clock: new ManualClock(0) });
    log.warn("retrying", { reason: "stall", attempt: 1, ok: false });
    await log.close();
    expect(JSON.parse(out.lines()[0] ?? "")).toEqual({
      ts: "1970-01-01T00:00:00.000Z",
      level: "warn",
      msg: "retrying",
      reason: "stall",
      attempt: 1,
      ok: false,
    });
  });

  it("13.1: child loggers carry issue_id, issue_identifier and session_id on every line", () => {
    const out = capture();
    const log = createLogger({ stderr: out.stream });
    const issue = log.child({ issue_id: "i-1", issue_identifier: "ABC-1" });
    issue.child({ session_id: "thr-1-turn-1" }).info("session started");
    issue.error("worker failed", { reason: "turn_timeout" });
    const [first, second] = out.lines();
    expect(first).toContain("issue_id=i-1 issue_identifier=ABC-1 session_id=thr-1-turn-1");
    expect(second).toContain("level=error");
    expect(second).toContain("issue_id=i-1 issue_identifier=ABC-1 reason=turn_timeout");
  });

  it("debug lines are dropped unless the level is debug", () => {
    const out = capture();
    createLogger({ stderr: out.stream }).debug("hidden");
    createLogger({ stderr: out.stream, level: "debug" }).debug("shown");
    expect(out.lines().map((l) => l.includes("shown"))).toEqual([true]);
  });

  it("secrets are redacted from messages and fields in text and JSON, and after setSecrets", () => {
    const out = capture();
    const log = createLogger({ stderr: out.stream, secrets: ['lin_"quoted"_key', "ab"] });
    log.info('calling with lin_"quoted"_key', { header: 'Authorization: lin_"quoted"_key', short: "ab" });
    const json = createLogger({ stderr: out.stream, format: "json", secrets: ['lin_"quoted"_key'] });
    json.info("x", { header: 'Bearer lin_"quoted"_key' });
    log.setSecrets(["new-secret-value"]);
    log.info("now new-secret-value leaks?");
    const text = out.lines().join("\n");
    expect(text).not.toContain("quoted");
    expect(text).not.toContain("new-secret-value");
    expect(text).toContain("[REDACTED]");
    expect(text).toContain("short=ab");
  });

  it("writes a size-rotated symphony.log under the logs root", async () => {
    const root = join(tmp.path, "logs");
    const log = createLogger({ stderr: null, logsRoot: root, file: { maxBytes: 2_000, maxFiles: 2 } });
    for (let i = 0; i < 100; i += 1) log.info("filler line to force rotation", { i, pad: "x".repeat(40) });
    await until(() => existsSync(join(root, "symphony.log.1")), 5_000, "rotation");
    await log.close();
    const files = readdirSync(root).sort();
    expect(files).toContain("symphony.log");
    expect(files.filter((f) => /^symphony\.log\.\d+$/.test(f)).length).toBeLessThanOrEqual(2);
    expect(readFileSync(join(root, "symphony.log"), "utf8")).toMatch(/level=info msg="filler line/);
  });

  it("13.2: a file sink that cannot be created is reported on stderr and logging continues", async () => {
    const blocker = join(tmp.path, "not-a-dir");
    writeFileSync(blocker, "file in the way");
    const out = capture();
    const log = createLogger({ stderr: out.stream, logsRoot: join(blocker, "logs") });
    log.info("still running");
    await log.close();
    const lines = out.lines();
    expect(lines[0]).toMatch(/level=warn msg="log sink failed" sink=file reason=/);
    expect(lines[1]).toContain('msg="still running"');
  });

  it("a failed file sink is retried after retryMs (injected clock) and logs again once the disk is usable", async () => {
    const blocker = join(tmp.path, "full");
    writeFileSync(blocker, "stands in for a full or missing disk");
    const root = join(blocker, "logs");
    const out = capture();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const log = createLogger({ stderr: out.stream, logsRoot: root, clock, file: { retryMs: 30_000 } });
    log.info("lost while broken");
    rmSync(blocker);
    clock.advance(29_999);
    log.info("still too early");
    expect(existsSync(root)).toBe(false);
    clock.advance(1);
    log.info("after the retry interval");
    await log.close();
    const text = readFileSync(join(root, "symphony.log"), "utf8");
    expect(text).toContain('msg="log sink recovered" sink=file');
    expect(text).toContain('msg="after the retry interval"');
    expect(text).not.toContain("lost while broken");
    expect(out.lines().filter((l) => l.includes("log sink failed"))).toHaveLength(1);
    expect(out.lines().some((l) => l.includes('msg="log sink recovered"'))).toBe(true);
  });

  it("13.2: a failing stderr sink is reported on the file sink and the file keeps logging", async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error("EPIPE: broken pipe"));
      },
    });
    const root = join(tmp.path, "logs");
    const log = createLogger({ stderr: broken, logsRoot: root });
    log.info("first");
    const fileText = () =>
      existsSync(join(root, "symphony.log")) ? readFileSync(join(root, "symphony.log"), "utf8") : "";
    await until(() => fileText().includes("log sink failed"), 5_000, "sink failure line");
    log.info("second");
    await log.close();
    const text = readFileSync(join(root, "symphony.log"), "utf8");
    expect(text).toContain("sink=stderr");
    expect(text).toMatch(/level=warn msg="log sink failed" sink=stderr reason="EPIPE: broken pipe"/);
    expect(text).toContain("msg=second");
  });
});
