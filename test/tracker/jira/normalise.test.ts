import { describe, expect, it } from "vitest";
import { parseJiraTime } from "../../../src/tracker/jira/normalise.js";

describe("Jira normalisation", () => {
  it("parses Jira timestamps with a colon-less offset; junk becomes null", () => {
    expect(parseJiraTime("2024-01-02T03:04:05.000+0000")).toBe(Date.parse("2024-01-02T03:04:05.000Z"));
    expect(parseJiraTime("2024-01-02T03:04:05.000-0130")).toBe(Date.parse("2024-01-02T04:34:05.000Z"));
    expect(parseJiraTime("2024-01-02T03:04:05Z")).toBe(Date.parse("2024-01-02T03:04:05Z"));
    for (const junk of ["", "yesterday", "2024-13-45T99:99:99+0000", 5, null])
      expect(parseJiraTime(junk)).toBeNull();
  });
});
