import { describe, expect, it } from "vitest";
import { checkApiBaseUrl, resolveField, secretNames } from "../../src/tracker/provider-fields.js";

describe("provider field helpers", () => {
  it.each([
    ["https://acme.atlassian.net/", { ok: true, url: "https://acme.atlassian.net" }],
    ["https://proxy.example/jira/", { ok: true, url: "https://proxy.example/jira" }],
    ["http://127.0.0.1:8080/api/1.0", { ok: true, url: "http://127.0.0.1:8080/api/1.0" }],
    ["http://localhost:3000", { ok: true, url: "http://localhost:3000" }],
    ["http://[::1]:3000", { ok: true, url: "http://[::1]:3000" }],
    ["http://127.0.0.1.evil.test", { ok: false, reason: "must use https (http only for loopback)" }],
    ["http://example.com", { ok: false, reason: "must use https (http only for loopback)" }],
    ["https://a.test/?", { ok: false, reason: "must not have a query or fragment" }],
    ["https://a.test/#x", { ok: false, reason: "must not have a query or fragment" }],
    ["https://user@a.test", { ok: false, reason: "must not embed credentials" }],
    ["file:///etc/passwd", { ok: false, reason: "must use https" }],
    ["a.test", { ok: false, reason: "is not a URL" }],
  ])("checkApiBaseUrl(%s)", (value, expected) => {
    expect(checkApiBaseUrl(value)).toEqual(expected);
  });

  it("resolveField: literal, $VAR, braced $VAR, unset → fallback, blank → missing", () => {
    const env = { A: " a ", FB: "fb", BLANK: "  " };
    expect(resolveField(" lit ", "FB", env)).toEqual({ value: "lit", varName: null });
    expect(resolveField("$A", "FB", env)).toEqual({ value: "a", varName: "A" });
    expect(resolveField(`$${"{"}A}`, "FB", env)).toEqual({ value: "a", varName: "A" });
    expect(resolveField("$NOPE", "FB", env)).toEqual({ value: "fb", varName: "NOPE" });
    expect(resolveField("$BLANK", "FB", env)).toEqual({ value: undefined, varName: "BLANK" });
    expect(resolveField(undefined, "FB", env)).toEqual({ value: "fb", varName: null });
    expect(resolveField(undefined, null, env)).toEqual({ value: undefined, varName: null });
    expect(resolveField("  ", "FB", env)).toEqual({ value: undefined, varName: null });
  });

  it("secretNames lists the fallback plus a distinct $VAR name", () => {
    expect(secretNames("ASANA_PAT", null)).toEqual(["ASANA_PAT"]);
    expect(secretNames("ASANA_PAT", "ASANA_PAT")).toEqual(["ASANA_PAT"]);
    expect(secretNames("ASANA_PAT", "MY")).toEqual(["ASANA_PAT", "MY"]);
  });
});
