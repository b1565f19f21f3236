import { describe, expect, it } from "vitest";
import { parseLocalProvider } from "../../../src/tracker/local/config.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/repo", env });

describe("parseLocalProvider", () => {
  it("defaults to <workflowDir>/issues", () => {
    expect(parseLocalProvider({}, ctx())).toEqual({ ok: true, value: { path: "/repo/issues" } });
  });

  it("resolves relative, ~ and $VAR paths", () => {
    expect(parseLocalProvider({ path: "../tickets" }, ctx())).toEqual({
      ok: true,
      value: { path: "/tickets" },
    });
    expect(parseLocalProvider({ path: "~/t" }, ctx({ HOME: "/home/me" }))).toEqual({
      ok: true,
      value: { path: "/home/me/t" },
    });
    expect(parseLocalProvider({ path: "$T" }, ctx({ T: "/data/t" }))).toEqual({
      ok: true,
      value: { path: "/data/t" },
    });
  });

  it("rejects non-strings, blanks and unset $VARs", () => {
    for (const path of [3, " ", "$UNSET"]) {
      const r = parseLocalProvider({ path }, ctx());
      expect(!r.ok && r.error[0]).toMatchObject({
        code: "invalid_workflow_config",
        key: "tracker.provider.path",
      });
    }
  });
});
