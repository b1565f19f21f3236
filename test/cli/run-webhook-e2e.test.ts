import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../support/fake-linear-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

const repo = resolve(import.meta.dirname, "../..");
const WEBHOOK_SECRET = "lin_wh_e2e_signing_secret";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeLinearServer;
let child: ChildProcess | null = null;
let output = "";

beforeEach(async () => {
  dir = await makeTempDir("symphony-webhook-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeLinearServer({ apiKey: "lin_api_webhook_e2e_key" });
  output = "";
});
afterEach(async () => {
  if (child !== null && child.exitCode === null) child.kill("SIGKILL");
  child = null;
  await server.close();
  await dir.cleanup();
});

/** Starts the real CLI (`node --import tsx src/cli/main.ts <workflow>`) with a minimal env. */
function startCli(workflow: string, env: Record<string, string>): ChildProcess {
  const loader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
  const proc = spawn(process.execPath, ["--import", loader, join(repo, "src/cli/main.ts"), workflow], {
    cwd: dir.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (b: Buffer) => {
    output += b.toString();
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  child = proc;
  return proc;
}

function exitOf(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((r) => proc.once("exit", (code) => r(code)));
}

/** A Linear `Issue` update delivery, signed as Linear signs it (hex HMAC-SHA256 of the raw body). */
function signedLinearDelivery(issueId: string, secret: string): RequestInit {
  const body = JSON.stringify({
    action: "update",
    type: "Issue",
    data: { id: issueId, stateId: "state-done" },
    updatedFrom: { stateId: "state-todo" },
    webhookTimestamp: Date.now(),
  });
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "linear-event": "Issue",
      "linear-delivery": `delivery-${issueId}`,
      "linear-signature": createHmac("sha256", secret).update(body).digest("hex"),
    },
    body,
  };
}

describe("symphony run: a tracker webhook wakes the poll (end to end)", () => {
  it("a signed Linear webhook makes the CLI reconcile at once: a run moved to Done stops in seconds, not at the 10-minute poll", async () => {
    server.store.put(
      fakeIssue({ number: 1, identifier: "LIN-1", stateName: "Todo", projectSlug: "hook-project" }),
    );
    const pidFile = join(dir.path, "agent-pids");
    const agent = join(dir.path, "agent.sh");
    await writeFile(
      agent,
      ["#!/usr/bin/env bash", `sleep 300 & echo "$!" >> ${pidFile}`, "wait", ""].join("\n"),
    );
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: linear",
        `  endpoint: ${server.url}`,
        "  project_slug: hook-project",
        "  webhook_secret: $LINEAR_WEBHOOK_SECRET",
        "polling:",
        "  interval_ms: 600000",
        "workspace:",
        "  root: ./workspaces",
        "server:",
        "  port: 0",
        "agent:",
        "  backend: command",
        "command:",
        `  run: bash ${agent}`,
        "---",
        "Work on {{ issue.identifier }}",
        "",
      ].join("\n"),
    );

    const proc = startCli(workflow, { LINEAR_API_KEY: server.apiKey, LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET });
    await until(
      () => /msg="http server listening" url=http:\/\/127\.0\.0\.1:\d+\//.test(output),
      20_000,
      "http url",
    );
    const base = /url=(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1] ?? "";
    const hook = `${base}/api/v1/webhooks/tracker`;
    await until(
      async () => (await readFile(pidFile, "utf8").catch(() => "")).trim() !== "",
      20_000,
      "agent running",
    );
    const pid = Number((await readFile(pidFile, "utf8")).trim());

    // A forged delivery is refused and changes nothing.
    server.store.update("issue-1", { stateName: "Done" });
    const forged = await fetch(hook, signedLinearDelivery("issue-1", "not-the-secret"));
    expect(forged.status).toBe(401);
    expect(pidAlive(pid)).toBe(true);

    const started = Date.now();
    const res = await fetch(hook, signedLinearDelivery("issue-1", WEBHOOK_SECRET));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, refresh: "queued" });
    await until(() => !pidAlive(pid), 5_000, "LIN-1 agent stopped after the webhook");
    expect(Date.now() - started).toBeLessThan(5_000);
    await until(() => output.includes('msg="stopping run" issue_id=issue-1'), 5_000, "stop logged");
    expect(output).toMatch(/msg="refresh requested" .*source=webhook delivery_id=delivery-issue-1/);
    expect(output).toContain('msg="webhook rejected"');
    expect(output).not.toContain(WEBHOOK_SECRET);

    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  });
});
