import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../../../src/tracker/rest/timestamp.js";

describe("the one tracker timestamp parser", () => {
  it.each([
    // Linear / GitHub / GitLab / Asana: RFC 3339
    ["2026-01-01T10:00:00Z", Date.UTC(2026, 0, 1, 10)],
    ["2026-01-01T10:00:00.250+01:00", Date.UTC(2026, 0, 1, 9, 0, 0, 250)],
    ["2024-01-02T03:04:05.678Z", Date.parse("2024-01-02T03:04:05.678Z")],
    // Jira: the offset without a colon
    ["2024-01-02T03:04:05.000+0000", Date.parse("2024-01-02T03:04:05.000Z")],
    ["2024-01-02T03:04:05.000-0130", Date.parse("2024-01-02T04:34:05.000Z")],
    // junk, impossible dates and non-strings
    ["2026-01-01", null],
    ["January 1, 2026", null],
    ["2026-02-30T10:00:00Z", null],
    ["2024-13-45T99:99:99+0000", null],
    ["yesterday", null],
    ["", null],
    [12345, null],
    [null, null],
  ])("%j parses to %j", (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });
});
