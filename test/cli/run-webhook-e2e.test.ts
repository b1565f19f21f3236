import { createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../support/cli-process.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../support/fake-linear-server.js";
import { makeTempDir } from "../support/temp-dir.js";
import { pidAlive, until } from "../support/until.js";

const WEBHOOK_SECRET = "lin_wh_e2e_signing_secret";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeLinearServer;
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-webhook-e2e-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeLinearServer({ apiKey: "lin_api_webhook_e2e_key" });
});
afterEach(async () => {
  cli.kill();
  await server.close();
  await dir.cleanup();
});

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

    const { proc } = cli.start(workflow, dir.path, {
      LINEAR_API_KEY: server.apiKey,
      LINEAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    await until(
      () => /msg="http server listening" url=http:\/\/127\.0\.0\.1:\d+\//.test(cli.output()),
      20_000,
      "http url",
    );
    const base = /url=(http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.output())?.[1] ?? "";
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
    await until(() => cli.output().includes('msg="stopping run" issue_id=issue-1'), 5_000, "stop logged");
    expect(cli.output()).toMatch(/msg="refresh requested" .*source=webhook delivery_id=delivery-issue-1/);
    expect(cli.output()).toContain('msg="webhook rejected"');
    expect(cli.output()).not.toContain(WEBHOOK_SECRET);

    proc.kill("SIGTERM");
    expect(await exitOf(proc)).toBe(0);
  });
});
