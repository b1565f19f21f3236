import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "../../src/workflow/front-matter.js";

describe("splitFrontMatter (spec 5.2)", () => {
  it("splits YAML from a trimmed body and reports where the body starts", () => {
    expect(splitFrontMatter("---\na: 1\n---\n\n  Hello\nworld\n")).toEqual({
      yaml: "a: 1",
      yamlFirstLine: 2,
      body: "Hello\nworld",
      bodyLine: 5,
      bodyColumn: 3,
    });
  });

  it("a file that does not start with --- is all prompt", () => {
    expect(splitFrontMatter("Hello\n---\nx: 1\n---\n")).toMatchObject({
      yaml: null,
      body: "Hello\n---\nx: 1\n---",
    });
  });

  it("accepts a byte-order mark, CRLF and trailing spaces on the fences", () => {
    expect(splitFrontMatter("\uFEFF---  \r\na: 1\r\n--- \r\nBody\r\n")).toMatchObject({
      yaml: "a: 1",
      body: "Body",
    });
  });

  it("without a closing fence every remaining line is front matter and the body is empty", () => {
    expect(splitFrontMatter("---\na: 1\nb: 2\n")).toMatchObject({ yaml: "a: 1\nb: 2\n", body: "" });
  });

  it("an empty file is an empty prompt", () => {
    expect(splitFrontMatter("")).toMatchObject({ yaml: null, body: "" });
  });
});
