import { createHmac } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitOf, TestCli } from "../../support/cli-process.js";
import { type FakeAsanaServer, startFakeAsanaServer } from "../../support/fake-asana-server.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";

const PROJECT = "1100000000000077";
const WEBHOOK_SECRET = "asana-operator-hook-token-0123456789";
let dir: { path: string; cleanup: () => Promise<void> };
let server: FakeAsanaServer;
const cli = new TestCli();

beforeEach(async () => {
  dir = await makeTempDir("symphony-asana-hook-");
  await mkdir(join(dir.path, "home"));
  server = await startFakeAsanaServer({ token: "asana-hook-e2e-pat" });
});
afterEach(async () => {
  cli.kill();
  await server.close();
  await dir.cleanup();
});

const taskEvent = JSON.stringify({
  events: [{ action: "changed", resource: { gid: "1", resource_type: "task" } }],
});
const signed = (key: string): RequestInit => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    "x-hook-signature": createHmac("sha256", key).update(taskEvent).digest("hex"),
  },
  body: taskEvent,
});
const handshake = (secret: string): RequestInit => ({ method: "POST", headers: { "x-hook-secret": secret } });

describe("Asana webhook handshake takeover (end to end)", () => {
  it("a forged handshake and 100 forged deliveries are refused and cause no Asana API call; the operator's handshake works and is never replaced", async () => {
    server.section(PROJECT, "To do");
    server.section(PROJECT, "Done");
    const workflow = join(dir.path, "WORKFLOW.md");
    await writeFile(
      workflow,
      [
        "---",
        "tracker:",
        "  kind: asana",
        "  active_states: [To do]",
        "  terminal_states: [Done]",
        "  webhook_secret: $ASANA_HOOK_TOKEN",
        "  provider:",
        `    endpoint: ${server.endpoint}`,
        `    project_gid: "${PROJECT}"`,
        "polling:",
        "  interval_ms: 600000",
        "workspace:",
        "  root: ./workspaces",
        "server:",
        "  port: 0",
        "agent:",
        "  backend: command",
        "command:",
        "  run: sleep 300",
        "---",
        "Work on {{ issue.identifier }}",
        "",
      ].join("\n"),
    );
    const run = cli.start(workflow, dir.path, { ASANA_PAT: server.token, ASANA_HOOK_TOKEN: WEBHOOK_SECRET });
    await until(
      () => /msg="http server listening" url=http:\/\/127\.0\.0\.1:\d+\//.test(run.output()),
      20_000,
    );
    const base = /url=(http:\/\/127\.0\.0\.1:\d+)\//.exec(run.output())?.[1] ?? "";
    const hook = `${base}/api/v1/webhooks/tracker`;
    await until(() => run.output().includes('msg="tick completed"') || server.requests.length > 0, 20_000);
    await sleep(500); // let the startup poll finish its pages
    const before = server.requests.length;

    // the attacker: an unauthenticated handshake, then deliveries signed with the secret it chose
    const forgedHandshake = await fetch(hook, handshake("attacker-chosen"));
    expect(forgedHandshake.status).toBe(401);
    expect(forgedHandshake.headers.get("x-hook-secret")).toBeNull();
    for (let i = 0; i < 100; i++) {
      const res = await fetch(hook, signed("attacker-chosen"));
      expect(res.status).toBe(401);
    }
    await sleep(1_500);
    expect(server.requests.length - before).toBe(0);

    // the operator registered <hook>?hook_token=<webhook_secret> with Asana: its handshake is answered
    const real = await fetch(`${hook}?hook_token=${WEBHOOK_SECRET}`, handshake("asana-generated"));
    expect(real.status).toBe(200);
    expect(real.headers.get("x-hook-secret")).toBe("asana-generated");
    // ...and cannot be replaced afterwards, even by someone who learnt the URL
    const takeover = await fetch(`${hook}?hook_token=${WEBHOOK_SECRET}`, handshake("attacker-chosen"));
    expect(takeover.status).toBe(401);
    expect((await fetch(`${hook}?hook_token=${WEBHOOK_SECRET}`, signed("attacker-chosen"))).status).toBe(401);

    const genuine = await fetch(`${hook}?hook_token=${WEBHOOK_SECRET}`, signed("asana-generated"));
    expect(genuine.status).toBe(202);
    await until(() => server.requests.length > before, 5_000, "the genuine delivery wakes the poll");
    expect(run.output()).not.toContain(WEBHOOK_SECRET);
    run.proc.kill("SIGTERM");
    expect(await exitOf(run.proc)).toBe(0);
  }, 60_000);
});
