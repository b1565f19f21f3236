import { describe, expect, it } from "vitest";
import { adfToText } from "../../../src/tracker/jira/adf.js";

describe("adfToText", () => {
  it("flattens ADF: blocks end lines, hardBreak is a newline, mentions/emoji/cards use their text", () => {
    const doc = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Title" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Hi " },
            { type: "mention", attrs: { id: "x", text: "@Ann" } },
            { type: "text", text: " " },
            { type: "emoji", attrs: { shortName: ":tada:" } },
            { type: "hardBreak" },
            { type: "inlineCard", attrs: { url: "https://x.test/1" } },
          ],
        },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] },
            { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "two" }] }] },
          ],
        },
        { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "quoted" }] }] },
      ],
    };
    expect(adfToText(doc)).toBe("Title\nHi @Ann :tada:\nhttps://x.test/1\n- one\n- two\nquoted");
  });

  it("ADF: null, empty docs and unknown shapes become null; plain strings pass through trimmed", () => {
    expect(adfToText(null)).toBeNull();
    expect(adfToText({ type: "doc", content: [] })).toBeNull();
    expect(adfToText(42)).toBeNull();
    expect(adfToText("  plain  ")).toBe("plain");
  });

  it("ADF: a pathologically deep document does not overflow the stack", () => {
    let node: Record<string, unknown> = { type: "text", text: "deep" };
    for (let i = 0; i < 10_000; i++) node = { type: "paragraph", content: [node] };
    expect(() => adfToText({ type: "doc", content: [node] })).not.toThrow();
  });
});
