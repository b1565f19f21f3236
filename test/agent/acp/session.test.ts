import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { TurnInput } from "../../../src/agent/backend.js";
import { openAcpSession } from "../../support/acp-harness.js";
import { ofType } from "../../support/agent-events.js";
import { tempRoot, testIssue } from "../../support/codex-harness.js";
import { processesMentioning } from "../../support/processes.js";
import { until } from "../../support/until.js";

// The acp backend against a scripted peer (a small node script speaking ACP over real pipes) for the
// protocol faults a real agent cannot be made to produce.

const PEER = join(dirname(fileURLToPath(import.meta.url)), "../../support/fake-acp-agent.mjs");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function input(turn: number, signal = new AbortController().signal): TurnInput {
  return { issue: testIssue(), turn, maxTurns: 3, signal };
}

async function peer(scenario: string, readTimeoutMs = 5_000) {
  const dirs = tempRoot();
  cleanups.push(dirs.cleanup);
  const opened = await openAcpSession({
    acp: { command: `node ${PEER} ${scenario}`, readTimeoutMs },
    workspace: dirs.workspace,
    env: { PATH: process.env.PATH ?? "", HOME: dirs.home },
  });
  if (opened.result.ok) {
    const session = opened.result.value;
    cleanups.unshift(() => session.stop());
  }
  return { dirs, ...opened };
}

describe("acp backend against a scripted peer", () => {
  it("maps updates of its own session only: text becomes the turn message, a failed tool call a tool_call", async () => {
    const { result, events } = await peer("garbage");
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(await result.value.runTurn("hi", input(1))).toEqual({ ok: true, value: undefined });
    expect(ofType(events, "turn_completed")).toEqual([expect.objectContaining({ message: "Hello there" })]);
    expect(ofType(events, "tool_call")).toEqual([
      expect.objectContaining({ tool: "read", ok: false, summary: "read: Read README.md" }),
    ]);
    expect(JSON.stringify(events)).not.toContain("NOT MINE");
  });

  it.each([
    ["wrong-version", "startup_failed", /protocol 99/],
    ["new-fails", "startup_failed", /authentication required/],
  ])("%s: the session does not start (%s)", async (scenario, category, message) => {
    const { result, events, dirs } = await peer(scenario);
    expect(result.ok ? null : result.error.category).toBe(category);
    expect(result.ok ? "" : result.error.message).toMatch(message);
    expect(ofType(events, "startup_failed")).toHaveLength(1);
    await until(async () => (await processesMentioning(dirs.root)).length === 0, 5_000);
  });

  it("an agent that never answers initialize is a response_timeout and is killed", async () => {
    const { result, dirs } = await peer("silent", 300);
    expect(result.ok ? null : result.error.category).toBe("response_timeout");
    await until(async () => (await processesMentioning(dirs.root)).length === 0, 5_000);
  });

  it("a missing acp.command program is agent_not_found", async () => {
    const dirs = tempRoot();
    cleanups.push(dirs.cleanup);
    const { result } = await openAcpSession({
      acp: { command: "no-such-acp-agent-xyz" },
      workspace: dirs.workspace,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home },
    });
    expect(result.ok ? null : result.error.category).toBe("agent_not_found");
  });

  it("an agent that exits during a prompt fails the turn with process_exit", async () => {
    const { result, events } = await peer("exit-mid-prompt");
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const turn = await result.value.runTurn("go", input(1));
    expect(turn.ok ? null : turn.error.category).toBe("process_exit");
    expect(ofType(events, "turn_failed")).toEqual([expect.objectContaining({ reason: "process_exit" })]);
  });

  it("a refusal stop reason fails the turn", async () => {
    const { result } = await peer("refusal");
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const turn = await result.value.runTurn("go", input(1));
    expect(turn.ok ? null : turn.error.message).toMatch(/refusal/);
  });

  it("an agent that ignores session/cancel is stopped after read_timeout_ms; no process is left", async () => {
    const { result, dirs } = await peer("ignore-cancel", 300);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const controller = new AbortController();
    const running = result.value.runTurn("go", input(1, controller.signal));
    setTimeout(() => controller.abort("stall"), 100);
    const turn = await running;
    expect(turn.ok ? null : turn.error.category).toBe("turn_cancelled");
    await until(async () => (await processesMentioning(dirs.root)).length === 0, 5_000);
    // the session is gone: a next turn is refused instead of hanging
    const next = await result.value.runTurn("again", input(2));
    expect(next.ok ? null : next.error.category).toMatch(/turn_cancelled|process_exit/);
  });
});
