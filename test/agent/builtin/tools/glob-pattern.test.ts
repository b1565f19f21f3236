import { describe, expect, it } from "vitest";
import { collapseGlobstars, compileGlob } from "../../../../src/agent/builtin/tools/glob-pattern.js";

describe("glob patterns", () => {
  it.each([
    ["**/*.ts", "src/deep/b.ts", true],
    ["**/*.ts", "a.ts", true],
    ["src/*.ts", "src/deep/b.ts", false],
    ["src/**", "src/deep/b.ts", true],
    ["*.{md,txt}", "README.md", true],
    ["?.ts", "ab.ts", false],
    ["[ab].ts", "b.ts", true],
    ["[!ab].ts", "b.ts", false],
    ["file.ts", "fileXts", false],
  ])("%s against %s → %s", (glob, path, expected) => {
    const matcher = compileGlob(glob);
    if (!matcher.ok) throw new Error(matcher.error.message);
    expect(matcher.value.test(path)).toBe(expected);
  });

  it.each([
    ["**/**/**/*.ts", "**/*.ts"],
    ["a/**/**", "a/**"],
    ["**/**", "**"],
    ["a/**/b/**/c", "a/**/b/**/c"],
  ])("repeated globstars collapse: %s → %s", (glob, collapsed) => {
    expect(collapseGlobstars(glob)).toBe(collapsed);
  });

  it("an unbalanced brace is an invalid glob, not a throw", () => {
    expect(compileGlob("{a,b").ok).toBe(false);
  });
});
