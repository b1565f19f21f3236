import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildServiceConfig } from "../../src/config/build-config.js";
import { problem } from "../../src/domain/config-problem.js";
import { kindRegistry } from "../../src/domain/kind.js";
import type { HostKind } from "../../src/hosts/kind.js";
import { CONFIG_KINDS, HOSTS } from "../../src/kinds.js";
import { HostSlots } from "../../src/orchestrator/host-slots.js";

// A host kind that exists only in this test: its own `farm:` section, typed problems and a pool.
const farmKind: HostKind<{ readonly machines: readonly string[] }> = {
  name: "farm",
  handles: (name) => name.startsWith("farm:"),
  settings: {
    section: "farm",
    schema: z.object({ machines: z.array(z.string()).default([]) }).prefault({}),
    resolve: (parsed) => {
      const { machines } = parsed as { machines: string[] };
      return machines.length === 0
        ? {
            settings: null,
            secrets: [],
            problems: [problem("farm.machines", "non_empty", "must name a machine")],
          }
        : { settings: { machines }, secrets: [], problems: [] };
    },
    pool: (farm) => farm.machines.map((m, i) => ({ name: `farm:${m}`, cap: i === 0 ? 1 : null })),
  },
};

const kinds = {
  ...CONFIG_KINDS,
  hosts: kindRegistry<HostKind>([...HOSTS.names.map((n) => HOSTS.get(n) as HostKind), farmKind]),
};

function build(raw: Record<string, unknown>) {
  return buildServiceConfig(
    { tracker: { kind: "memory" }, ...raw },
    { workflowPath: "/w/WORKFLOW.md", env: {}, kinds },
  );
}

describe("host kinds own their settings", () => {
  it("worker.kind values come from the registry: a kind registered only here is valid, its section typed and pooled", () => {
    const built = build({
      worker: { kind: "farm", max_concurrent_agents_per_host: 2 },
      farm: { machines: ["a", "b"] },
    });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.worker.pool).toEqual([
      { name: "farm:a", cap: 1 },
      { name: "farm:b", cap: null },
    ]);
    const slots = new HostSlots(built.value.worker, ["farm:a"]);
    expect(slots.choose()).toEqual({ ok: true, value: "farm:b" });
  });

  it("the kind's typed problems surface at its keys; without the kind the name is refused", () => {
    const bad = build({ worker: { kind: "farm" } });
    expect(bad.ok ? [] : bad.error.map((e) => `${e.key}: ${e.message}`)).toEqual([
      "farm.machines: must name a machine",
    ]);
    const unknown = buildServiceConfig(
      { tracker: { kind: "memory" }, worker: { kind: "farm" } },
      { workflowPath: "/w/WORKFLOW.md", env: {}, kinds: CONFIG_KINDS },
    );
    expect(unknown.ok).toBe(false);
    expect(unknown.ok ? "" : unknown.error[0]?.message).toMatch(
      /must be one of local, docker, kubernetes, ssh/,
    );
  });
});
