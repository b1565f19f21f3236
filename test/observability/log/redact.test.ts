import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../../src/observability/log/redact.js";

describe("Redactor", () => {
  it("redacts every known secret, its JSON-escaped form and URL credentials", () => {
    const r = new Redactor();
    r.setSecrets(['quo"te-secret', "plain-secret", "ab"]);
    expect(r.redact("x plain-secret y")).toBe(`x ${REDACTED} y`);
    expect(r.redact(JSON.stringify({ k: 'quo"te-secret' }))).toBe(`{"k":"${REDACTED}"}`);
    expect(r.redact("ab stays: too short to redact")).toBe("ab stays: too short to redact");
    expect(r.redact("https://u:p4ss@host/")).toBe(`https://${REDACTED}@host/`);
  });

  it("redactDeep copies only what changed and leaves clean parts shared", () => {
    const r = new Redactor();
    r.setSecrets(["plain-secret"]);
    const clean = { a: [1, "ok"], b: { c: null } };
    const dirty = { keep: clean, list: ["x", "plain-secret!"], n: 3 };
    const out = r.redactDeep(dirty);
    expect(out).toEqual({ keep: clean, list: ["x", `${REDACTED}!`], n: 3 });
    expect(out.keep).toBe(clean);
    expect(dirty.list[1]).toBe("plain-secret!");
    expect(r.redactDeep(clean)).toBe(clean);
  });

  it("setSecrets replaces the set (a reload that rotates a key)", () => {
    const r = new Redactor();
    r.setSecrets(["old-secret"]);
    r.setSecrets(["new-secret"]);
    expect(r.redact("old-secret new-secret")).toBe(`old-secret ${REDACTED}`);
  });
});
