import { describe, expect, it } from "vitest";
import { nextLink } from "../../../src/tracker/github/client.js";

describe("Link header parsing", () => {
  it("finds rel=next among several relations, in any order", () => {
    expect(nextLink('<https://a/x?page=3>; rel="last", <https://a/x?page=2>; rel="next"')).toBe(
      "https://a/x?page=2",
    );
    expect(nextLink('<https://a/x?page=2>; rel="next prefetch"')).toBe("https://a/x?page=2");
  });
  it("no header or no next relation → null", () => {
    expect(nextLink(null)).toBeNull();
    expect(nextLink('<https://a/x?page=1>; rel="prev", <https://a/x?page=1>; rel="first"')).toBeNull();
    expect(nextLink('<https://a/x?page=1>; rel="nextish"')).toBeNull();
  });
});
