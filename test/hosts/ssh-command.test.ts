import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { remoteInvocation, remotePathWord, shellQuote } from "../../src/hosts/ssh-command.js";

/** What a POSIX shell makes of a word: the real `sh`, not a re-implementation. */
function shellEcho(word: string, env: Record<string, string> = {}): string {
  return execFileSync("sh", ["-c", `printf '%s' ${word}`], {
    env: { PATH: "/usr/bin:/bin", ...env },
  }).toString();
}

describe("ssh command building", () => {
  it("shellQuote: awkward strings survive a real shell verbatim", () => {
    for (const value of ["plain", "it's", "'", "''", '"$HOME" `id` $(id) \\ \n; rm -rf /', "", "a\tb"]) {
      expect(shellEcho(shellQuote(value))).toBe(value);
    }
  });

  it("remotePathWord expands only a leading ~ or ~/ to $HOME", () => {
    const env = { HOME: "/home/w" };
    expect(shellEcho(remotePathWord("~"), env)).toBe("/home/w");
    expect(shellEcho(remotePathWord("~/ws/it's"), env)).toBe("/home/w/ws/it's");
    expect(shellEcho(remotePathWord("/srv/~x/$HOME"), env)).toBe("/srv/~x/$HOME");
    expect(shellEcho(remotePathWord("~other/ws"), env)).toBe("~other/ws");
  });

  it("refuses environment names that are not shell identifiers", () => {
    for (const name of ["A B", "1A", "A=B", "A;rm", ""]) {
      expect(() =>
        remoteInvocation({ mode: "script", command: "true", cwd: "/", env: { [name]: "x" }, graceMs: 0 }),
      ).toThrow(TypeError);
    }
  });

  it("the remote command is one bash --norc -c word that parses", () => {
    const { command, preamble } = remoteInvocation({
      mode: "stdio",
      command: "echo 'hi' \"$X\"\nexit 3",
      cwd: "~/w's",
      env: { X: "it's" },
      graceMs: 1500,
    });
    expect(command.startsWith("bash --norc -c '")).toBe(true);
    // the outer shell unquotes the wrapper and `bash -n` parses it without running anything
    execFileSync("sh", ["-c", command.replace(/^bash --norc -c /, "bash --norc -n -c ")]);
    expect(command).toContain("sleep 1.500");
    expect(command).not.toContain("it's");
    expect(preamble).toBe(`export X='it'"'"'s'\0`);
  });
});
