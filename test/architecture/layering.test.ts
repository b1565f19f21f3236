import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ImportEdge, importEdges, type LayerRule, layeringViolations } from "../support/import-graph.js";
import { tempDirPerTest } from "../support/temp-dir.js";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

const inFolder = (path: string, folder: string) => path.startsWith(`${folder}/`);
/** A concrete kind's folder: `tracker/<kind>/`, `agent/<backend>/`, or a concrete host or store module. */
const concreteKind = (path: string): boolean =>
  /^tracker\/[^/]+\//.test(path) ||
  /^agent\/[^/]+\//.test(path) ||
  /^hosts\/(local|ssh)[^/]*\.ts$/.test(path) ||
  /^hosts\/[^/]+\//.test(path) ||
  /^store\/(embedded-kind|postgres-kind|libsql-driver|pg-driver)\.ts$/.test(path) ||
  path === "kinds.ts";

/** The layering of docs/architecture.md, as rules over import edges of `src/`. */
const LAYER_RULES: readonly LayerRule[] = [
  {
    name: "domain imports nothing outside domain",
    check: (e: ImportEdge) => (inFolder(e.from, "domain") && !inFolder(e.to, "domain") ? e.to : null),
  },
  {
    name: "orchestrator imports no concrete tracker, backend or host",
    check: (e) => (inFolder(e.from, "orchestrator") && concreteKind(e.to) ? e.to : null),
  },
  {
    name: "config knows no provider",
    check: (e) => {
      if (!inFolder(e.from, "config")) return null;
      // worker.ssh_hosts is config's own section; its destinations are checked with the ssh parser
      if (e.to === "hosts/ssh-destination.ts") return null;
      return inFolder(e.to, "tracker") ||
        inFolder(e.to, "agent") ||
        inFolder(e.to, "hosts") ||
        e.to === "kinds.ts"
        ? e.to
        : null;
    },
  },
  {
    name: "backends know no scheduler",
    check: (e) => (/^agent\/[^/]+\//.test(e.from) && inFolder(e.to, "orchestrator") ? e.to : null),
  },
  {
    name: "views change nothing (observability imports only orchestrator types)",
    check: (e) =>
      inFolder(e.from, "observability") && inFolder(e.to, "orchestrator") && !e.typeOnly ? e.to : null,
  },
];

const tmp = tempDirPerTest();

function fixture(files: Readonly<Record<string, string>>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp.path, path)), { recursive: true });
    writeFileSync(join(tmp.path, path), text);
  }
  return tmp.path;
}

describe("layering of src/ (docs/architecture.md)", () => {
  it("the import graph is read: src/ has edges, including the lazy factories' dynamic imports", () => {
    const edges = importEdges(SRC);
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({
      from: "tracker/linear/kind.ts",
      to: "tracker/linear/index.ts",
      typeOnly: false,
    });
    expect(edges).toContainEqual({ from: "kinds.ts", to: "tracker/github/kind.ts", typeOnly: false });
  });

  it("src/ keeps every layering rule", () => {
    expect(layeringViolations(SRC, LAYER_RULES)).toEqual([]);
  });

  it("adding a tracker, backend or host touches its folder and src/kinds.ts only: service and config name none", () => {
    const named = importEdges(SRC).filter(
      (e) =>
        concreteKind(e.to) &&
        e.to !== "kinds.ts" &&
        e.to !== "hosts/ssh-destination.ts" && // config's own worker.ssh_hosts check (see the rule above)
        !concreteKind(e.from) &&
        e.from !== "kinds.ts",
    );
    // who outside the kinds' own folders still names a concrete kind (each a known, deliberate exception)
    const outside = [...new Set(named.map((e) => e.from))].filter((from) => !from.startsWith("cli/")).sort();
    expect(outside).not.toContain("service.ts");
    expect(
      outside.filter((f) => inFolder(f, "config") || inFolder(f, "orchestrator") || inFolder(f, "workspace")),
    ).toEqual([]);
  });
});

describe("the layering checker itself", () => {
  it("reports a forbidden import added to a fixture tree, for each rule", () => {
    const root = fixture({
      "domain/issue.ts": 'import { x } from "../config/types.js";\n',
      "orchestrator/tick.ts": 'import { createGithubTracker } from "../tracker/github/adapter.js";\n',
      "config/build.ts": 'import type { LinearTrackerSettings } from "../tracker/linear/config.js";\n',
      "agent/codex/session.ts": 'import { isActive } from "../../orchestrator/eligibility.js";\n',
      "observability/view.ts": 'import { Orchestrator } from "../orchestrator/orchestrator.js";\n',
      "observability/ok.ts": 'import type { Snapshot } from "../orchestrator/snapshot.js";\n',
      "orchestrator/ok.ts": 'import type { Host } from "../hosts/host.js";\n',
    });
    const found = layeringViolations(root, LAYER_RULES).map((v) => [v.rule, v.edge.from, v.reason]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["domain imports nothing outside domain", "domain/issue.ts", "config/types.ts"],
        [
          "orchestrator imports no concrete tracker, backend or host",
          "orchestrator/tick.ts",
          "tracker/github/adapter.ts",
        ],
        ["config knows no provider", "config/build.ts", "tracker/linear/config.ts"],
        ["backends know no scheduler", "agent/codex/session.ts", "orchestrator/eligibility.ts"],
        [
          "views change nothing (observability imports only orchestrator types)",
          "observability/view.ts",
          "orchestrator/orchestrator.ts",
        ],
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it("sees dynamic imports and re-exports, not only import statements", () => {
    const root = fixture({
      "orchestrator/lazy.ts": 'export async function f() { return import("../agent/builtin/backend.js"); }\n',
      "domain/index.ts": 'export { thing } from "../util/clock.js";\n',
    });
    expect(
      layeringViolations(root, LAYER_RULES)
        .map((v) => v.edge.from)
        .sort(),
    ).toEqual(["domain/index.ts", "orchestrator/lazy.ts"]);
  });
});
