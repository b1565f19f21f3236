import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const hostsOf = (x: Harness) =>
  Object.fromEntries(x.launcher.requests.map((r) => [r.issue.identifier, r.host]));

describe("A.2 dispatch over SSH hosts", () => {
  it("A.2: runs spread over the SSH hosts, least-loaded first, ties by config order; the snapshot shows the host", async () => {
    h = await harness(
      [
        makeIssue({ identifier: "S-1", priority: 1 }),
        makeIssue({ identifier: "S-2", priority: 2 }),
        makeIssue({ identifier: "S-3", priority: 3 }),
      ],
      { worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: null } },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(hostsOf(h)).toEqual({ "S-1": "w1", "S-2": "w2", "S-3": "w1" });
    const rows = h.orchestrator.snapshot().running;
    expect(Object.fromEntries(rows.map((r) => [r.identifier, r.host]))).toEqual(hostsOf(h));
    expect(rows.map((r) => r.host)).not.toContain("local");
  });

  it("A.2: with every host at its cap the candidate waits as no_host_capacity, unclaimed and never local", async () => {
    h = await harness(
      [
        makeIssue({ identifier: "C-1", priority: 1 }),
        makeIssue({ identifier: "C-2", priority: 2 }),
        makeIssue({ identifier: "C-3", priority: 3 }),
      ],
      { worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: 1 } },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.live().sort()).toEqual(["id-C-1", "id-C-2"]);
    expect(h.orchestrator.snapshot().skipped).toContainEqual({
      issueId: "id-C-3",
      identifier: "C-3",
      state: "Todo",
      reason: { kind: "no_host_capacity" },
    });
    // the issue was not claimed: once a host frees up, a later tick dispatches it there
    h.tracker.update("id-C-2", { state: "Human Review" });
    await h.advance(30_000); // C-2 is stopped; it holds its host until its worker has exited
    await h.advance(30_000);
    expect(h.launcher.live().sort()).toEqual(["id-C-1", "id-C-3"]);
    expect(hostsOf(h)["C-3"]).toBe("w2");
  });

  it("A.2: the global cap still applies on top of the per-host cap", async () => {
    h = await harness(
      [makeIssue({ identifier: "G-1" }), makeIssue({ identifier: "G-2" }), makeIssue({ identifier: "G-3" })],
      {
        agent: { maxConcurrentAgents: 2 },
        worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: 5 },
      },
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.requests).toHaveLength(2);
    const reasons = h.orchestrator.snapshot().skipped.map((s) => s.reason.kind);
    expect(reasons).toEqual(["no_global_slot"]);
  });

  it("A.2: a retry prefers the host of the previous attempt when it has capacity", async () => {
    h = await harness([makeIssue({ identifier: "P-1" }), makeIssue({ identifier: "P-2" })], {
      worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: null },
    });
    await h.orchestrator.start();
    await h.settle();
    expect(hostsOf(h)).toEqual({ "P-1": "w1", "P-2": "w2" });
    h.launcher.finish("id-P-2", {
      outcome: "failed",
      error: { code: "turn_failed", message: "turn failed", retryable: true },
    });
    await h.settle();
    expect(h.orchestrator.snapshot().retrying[0]?.host).toBe("w2");
    // a new issue takes w2 meanwhile, so both hosts carry one run: least-loaded alone would pick w1
    h.tracker.upsert(makeIssue({ identifier: "P-3" }));
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(hostsOf(h)["P-3"]).toBe("w2");
    await h.advance(10_000);
    const retried = h.launcher.requests.filter((r) => r.issue.identifier === "P-2");
    expect(retried.map((r) => [r.attempt, r.host])).toEqual([
      [null, "w2"],
      [1, "w2"],
    ]);
  });

  it("A.2: a host unreachable before anything ran is avoided by the retry (failover)", async () => {
    h = await harness([makeIssue({ identifier: "U-1" })], {
      worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: null },
    });
    await h.orchestrator.start();
    await h.settle();
    expect(hostsOf(h)["U-1"]).toBe("w1");
    h.launcher.finish("id-U-1", {
      outcome: "failed",
      error: { code: "host_unreachable", message: "w1: ssh failed", retryable: true },
      hostUnreachable: true,
    });
    await h.settle();
    expect(h.orchestrator.snapshot().retrying[0]?.host).toBeNull();
    await h.advance(10_000);
    expect(h.launcher.requests.map((r) => [r.attempt, r.host])).toEqual([
      [null, "w1"],
      [1, "w2"],
    ]);
  });

  it("A.2: a due retry with every host full is requeued with an explicit reason, not run locally", async () => {
    h = await harness([makeIssue({ identifier: "F-1" })], {
      worker: { sshHosts: ["w1"], maxConcurrentAgentsPerHost: 1 },
    });
    await h.orchestrator.start();
    await h.settle();
    h.launcher.finish("id-F-1", {
      outcome: "failed",
      error: { code: "turn_failed", message: "turn failed", retryable: true },
    });
    await h.settle();
    h.tracker.upsert(makeIssue({ identifier: "F-2" }));
    h.orchestrator.requestRefresh();
    await h.settle();
    expect(h.launcher.live()).toEqual(["id-F-2"]);
    await h.advance(10_000);
    expect(h.launcher.live()).toEqual(["id-F-2"]);
    const retry = h.orchestrator.snapshot().retrying[0];
    expect(retry).toMatchObject({
      identifier: "F-1",
      attempt: 2,
      error: "no_host_capacity: no available worker host capacity",
      host: "w1",
    });
    expect(h.launcher.requests.every((r) => r.host === "w1")).toBe(true);
  });
});

describe("A: workspace cleanup on SSH hosts", () => {
  it("A: startup terminal cleanup (no recorded host) tries every configured host", async () => {
    h = await harness([makeIssue({ identifier: "D-1", state: "Done" })], {
      worker: { sshHosts: ["w1", "w2", "w1"], maxConcurrentAgentsPerHost: null },
    });
    const ws = join(h.dir, "workspaces", "D-1");
    await mkdir(ws, { recursive: true });
    await h.orchestrator.start();
    await h.settle();
    expect(new Set(h.hostNames)).toEqual(new Set(["w1", "w2"]));
    expect(existsSync(ws)).toBe(false);
  });

  it("A.1: a terminal issue's workspace is removed on the host that ran it", async () => {
    h = await harness([makeIssue({ identifier: "T-1" }), makeIssue({ identifier: "T-2" })], {
      worker: { sshHosts: ["w1", "w2"], maxConcurrentAgentsPerHost: null },
    });
    await h.orchestrator.start();
    await h.settle();
    expect(hostsOf(h)["T-2"]).toBe("w2");
    h.hostNames.length = 0;
    h.tracker.update("id-T-2", { state: "Done" });
    await h.advance(30_000);
    expect(h.hostNames).toEqual(["w2"]);
  });

  it("without ssh_hosts every run is local", async () => {
    h = await harness([makeIssue({ identifier: "L-1" })]);
    await h.orchestrator.start();
    await h.settle();
    expect(hostsOf(h)).toEqual({ "L-1": "local" });
    expect(h.orchestrator.snapshot().running[0]?.host).toBe("local");
  });
});
