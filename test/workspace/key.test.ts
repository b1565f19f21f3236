import { describe, expect, it } from "vitest";
import { workspaceKey } from "../../src/workspace/key.js";

describe("17.2 workspace key", () => {
  it("17.2: identifiers unchanged by sanitisation keep their deterministic key", () => {
    for (const id of ["ABC-123", "abc.def_1", "X-1"]) {
      expect(workspaceKey(id)).toBe(id);
      expect(workspaceKey(id)).toBe(workspaceKey(id));
    }
  });

  it("17.2: distinct identifiers that sanitise to the same text get distinct keys", () => {
    const a = workspaceKey("A/B");
    const b = workspaceKey("A?B");
    const c = workspaceKey("A B");
    expect(new Set([a, b, c]).size).toBe(3);
    for (const key of [a, b, c]) expect(key).toMatch(/^A_B--[0-9a-f]{16}$/);
  });

  it.each([
    ["dot-dot", ".."],
    ["dot", "."],
    ["empty", ""],
    ["slashes", "../../etc/passwd"],
    ["NUL", "A\u0000B"],
    ["spaces", "fix the thing"],
    ["300 characters", "x".repeat(300)],
    ["unicode", "ÄÖÜ-1"],
  ])("17.2: a hostile identifier (%s) yields a safe single path segment", (_name, id) => {
    const key = workspaceKey(id);
    expect(key).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(key).not.toMatch(/^\.+$/);
    expect(key.length).toBeLessThanOrEqual(200);
    expect(key).not.toBe(id);
  });
});
