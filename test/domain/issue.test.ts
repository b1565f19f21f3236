import { describe, expect, it } from "vitest";
import { normaliseLabels, normaliseState } from "../../src/domain/issue.js";

describe("issue normalisation (spec 4.2, 11.3)", () => {
  it("compares states after trim and lowercase", () => {
    expect(normaliseState("  In Progress ")).toBe("in progress");
  });
  it("labels are trimmed, lower-cased, blanks dropped and duplicates removed", () => {
    expect(normaliseLabels([" Bug", "bug", "", "  ", "UI"])).toEqual(["bug", "ui"]);
  });
});
