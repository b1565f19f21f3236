import { describe, expect, it } from "vitest";
import { parseSshDestination } from "../../src/hosts/ssh-destination.js";

describe("ssh destination parsing (spec A host strings)", () => {
  const accepted: [string, string, number | null][] = [
    ["worker1", "worker1", null],
    ["deploy@worker1", "deploy@worker1", null],
    ["worker1:2222", "worker1", 2222],
    ["deploy@worker1.example.com:22", "deploy@worker1.example.com", 22],
    ["[::1]:2222", "::1", 2222],
    ["deploy@[fe80::1]:22", "deploy@fe80::1", 22],
    ["[::1]", "::1", null],
    ["::1", "::1", null],
    ["2001:db8::1", "2001:db8::1", null],
    ["  worker1  ", "worker1", null],
  ];
  for (const [input, target, port] of accepted) {
    it(`accepts ${JSON.stringify(input)} as target ${target}${port === null ? "" : ` -p ${port}`}`, () => {
      expect(parseSshDestination(input)).toEqual({ ok: true, value: { target, port } });
    });
  }

  const refused: [string, string][] = [
    ["", "blank"],
    ["   ", "blank"],
    ["-oProxyCommand=sh", "option injection"],
    ["[::1]:-22", "bad port"],
    ["worker1:0", "port 0"],
    ["worker1:70000", "port out of range"],
    ["work er", "whitespace"],
    ["[::1", "unbalanced bracket"],
    ["user@", "missing host"],
    ["@worker1", "missing user"],
    ["[-oFoo]:22", "option injection inside brackets"],
  ];
  for (const [input, why] of refused) {
    it(`refuses ${JSON.stringify(input)} (${why})`, () => {
      const result = parseSshDestination(input);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error).toMatchObject({ kind: "invalid_ssh_destination", destination: input });
    });
  }
});
