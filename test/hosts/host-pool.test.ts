import { describe, expect, it } from "vitest";
import { chooseHost, countRunsByHost } from "../../src/hosts/host-pool.js";

const hosts = ["a", "b", "c"];

describe("host pool: chooseHost", () => {
  const cases: {
    name: string;
    running: Record<string, number>;
    cap: number | null;
    preferred?: string | null;
    expected: string | "no_host_capacity";
  }[] = [
    { name: "A.2: all idle picks the first host in config order", running: {}, cap: 2, expected: "a" },
    { name: "A.2: picks the least-loaded host", running: { a: 2, b: 1, c: 0 }, cap: 3, expected: "c" },
    { name: "A.2: ties go to config order", running: { a: 2, b: 1, c: 1 }, cap: 3, expected: "b" },
    { name: "A.2: hosts at the cap are skipped", running: { a: 1, b: 2, c: 2 }, cap: 2, expected: "a" },
    {
      name: "A.2: preferred host wins over a less-loaded one while it has capacity",
      running: { a: 0, b: 1 },
      cap: 2,
      preferred: "b",
      expected: "b",
    },
    {
      name: "A.2: preferred host at its cap falls back to least-loaded",
      running: { a: 1, b: 2, c: 0 },
      cap: 2,
      preferred: "b",
      expected: "c",
    },
    {
      name: "A.2: a preferred host no longer configured is ignored",
      running: { a: 1, b: 0 },
      cap: 2,
      preferred: "gone",
      expected: "b",
    },
    {
      name: "A.2: null preferred behaves like none",
      running: { a: 1 },
      cap: 2,
      preferred: null,
      expected: "b",
    },
    {
      name: "A.2: no cap means every host is a candidate",
      running: { a: 50, b: 40, c: 40 },
      cap: null,
      expected: "b",
    },
    {
      name: "A.2: all hosts at capacity means no_host_capacity (wait, no local fallback)",
      running: { a: 1, b: 1, c: 3 },
      cap: 1,
      expected: "no_host_capacity",
    },
    {
      name: "A.2: preferred host at capacity with every host full is still no_host_capacity",
      running: { a: 2, b: 2, c: 2 },
      cap: 2,
      preferred: "a",
      expected: "no_host_capacity",
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = chooseHost({
        hosts,
        running: new Map(Object.entries(c.running)),
        perHostCap: c.cap,
        ...(c.preferred === undefined ? {} : { preferred: c.preferred }),
      });
      if (c.expected === "no_host_capacity") {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.kind).toBe("no_host_capacity");
      } else {
        expect(result).toEqual({ ok: true, value: c.expected });
      }
    });
  }

  it("no_host_capacity carries each host's load and the cap, in config order", () => {
    const result = chooseHost({
      hosts: ["x", "y", "x"],
      running: new Map([
        ["y", 1],
        ["x", 1],
      ]),
      perHostCap: 1,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "no_host_capacity",
        hosts: [
          { host: "x", running: 1 },
          { host: "y", running: 1 },
        ],
        perHostCap: 1,
      },
    });
  });

  it("no configured hosts is no_host_capacity, never an implicit local host", () => {
    const result = chooseHost({ hosts: [], running: new Map(), perHostCap: null });
    expect(result.ok).toBe(false);
  });
});

describe("host pool: countRunsByHost", () => {
  it("counts runs per host and ignores local (null/undefined) runs", () => {
    expect(countRunsByHost(["a", null, "b", "a", undefined])).toEqual(
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
    );
  });
});
