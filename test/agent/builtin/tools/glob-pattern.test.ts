import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../../../src/agent/builtin/tools/glob-pattern.js";

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
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
