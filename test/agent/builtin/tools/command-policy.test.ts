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

  it.each([
    // the bypasses from issue #17, each with the policy it used to slip past
    ["ls <(touch x)", ["ls *"], [], "command_not_allowed"],
    ["ls > ~/.bashrc", ["ls *"], [], "command_not_allowed"],
    ["ls >> /etc/profile", ["ls *"], [], "command_not_allowed"],
    ["ls > ../outside", ["ls *"], [], "command_not_allowed"],
    ["git -c alias.x='!touch pwned' x", ["git *"], [], "command_unsafe"],
    ["git -c core.pager='touch pwned' log", ["git *"], [], "command_unsafe"],
    ["git config alias.y '!sh -c id'", ["git *"], [], "command_unsafe"],
    ["(rm -rf x)", [], ["rm *"], "command_denied"],
    ["{ rm -rf x; }", [], ["rm *"], "command_denied"],
    ["if true; then rm -rf x; fi", [], ["rm *"], "command_denied"],
    ["for f in a; do rm -rf $f; done", [], ["rm *"], "command_denied"],
    ["time rm -rf x", [], ["rm *"], "command_denied"],
    ["rm\t-rf x", [], ["rm -rf*"], "command_denied"],
    ["/bin/rm -rf x", [], ["rm *"], "command_denied"],
    ["env rm -rf x", [], ["rm *"], "command_denied"],
    ["env -i FOO=1 rm -rf x", [], ["rm *"], "command_denied"],
    ["nice -n 5 rm -rf x", [], ["rm *"], "command_denied"],
    ["sudo -u root rm -rf x", [], ["rm *"], "command_denied"],
    ["command rm -rf x", [], ["rm *"], "command_denied"],
    ["exec rm -rf x", [], ["rm *"], "command_denied"],
    ["timeout 5 rm -rf x", [], ["rm *"], "command_denied"],
    ["echo x | xargs rm -rf", [], ["rm *"], "command_denied"],
    ["bash -c 'rm -rf x'", [], ["rm *"], "command_denied"],
    ['sh -ec "ls; rm -rf x"', [], ["rm *"], "command_denied"],
    ["eval 'rm -rf x'", [], ["rm *"], "command_denied"],
    ["find . -name y -exec rm -rf {} \\;", [], ["rm *"], "command_denied"],
    ["\\rm -rf x", [], ["rm *"], "command_denied"],
    ["r\\m -rf x", [], ["rm *"], "command_denied"],
    ["'rm' -rf x", [], ["rm *"], "command_denied"],
    ["x=$(rm -rf y)", [], ["rm *"], "command_denied"],
    ["ls `rm -rf y`", [], ["rm *"], "command_denied"],
    ["ls & rm -rf y", [], ["rm *"], "command_denied"],
    ["{rm,-rf,x}", [], ["rm *"], "command_unparsable"],
    ["$CMD -rf x", [], ["rm *"], "command_unparsable"],
    ["echo 'unterminated", [], ["rm *"], "command_unparsable"],
    ["ls <(touch x)", ["ls *", "touch *"], [], null],
    ["ls -la > out.txt 2>&1", ["ls *"], [], null],
    ["npm test > /dev/null 2>&1", ["npm *"], [], null],
    ["git -c user.name=bot commit -m 'x'", ["git *"], [], null],
    ["echo 'unterminated", [], [], null],
  ] as const)("bypass %j (allowed %j, denied %j) → %s", (command, allowed, denied, expected) => {
    const refusal = checkCommand(command, { allowed, denied });
    expect(refusal?.kind ?? null).toBe(expected);
  });

  it("segments are judged by the program's basename with arguments re-joined by single spaces", () => {
    expect(checkCommand("/usr/bin/git\tpush   --force", { allowed: [], denied: ["git push *"] })).toEqual({
      kind: "command_denied",
      command: "/usr/bin/git\tpush   --force",
      pattern: "git push *",
    });
  });

  it("loading the shell parser leaves process-wide state as it was", () => {
    const limit = Error.stackTraceLimit;
    expect(checkCommand("ls", { allowed: ["ls"], denied: [] })).toBeNull();
    expect(Error.stackTraceLimit).toBe(limit);
    expect("require" in globalThis).toBe(false);
  });
});
