import { describe, expect, it } from "vitest";
import type { TerminalDashboard } from "../../../src/observability/terminal/driver.js";
import { createLogRouter } from "../../../src/observability/terminal/log-router.js";

const write = (stream: NodeJS.WritableStream, text: string) =>
  new Promise<void>((resolve) => stream.write(text, () => resolve()));

describe("log router", () => {
  it("sends log text to the target, or through the dashboard while one is attached", async () => {
    const target: string[] = [];
    const shown: string[] = [];
    const router = createLogRouter({
      write: (t: string) => target.push(t),
    } as unknown as NodeJS.WritableStream);
    const dashboard: TerminalDashboard = { writeLog: (t) => shown.push(t), stop: () => {} };
    await write(router.stream, "before\n");
    router.attach(dashboard);
    await write(router.stream, "during\n");
    router.detach();
    await write(router.stream, "after\n");
    expect(target).toEqual(["before\n", "after\n"]);
    expect(shown).toEqual(["during\n"]);
  });
});
