import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** One import of one module: who imports what (paths relative to the scanned root, `/`-separated). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** `import type`/`export type`: erased at run time. */
  readonly typeOnly: boolean;
}

/** A layering rule: any edge it returns a reason for is a violation. */
export interface LayerRule {
  readonly name: string;
  check(edge: ImportEdge): string | null;
}

/** A rule that was broken, by which edge. */
export interface Violation {
  readonly rule: string;
  readonly edge: ImportEdge;
  readonly reason: string;
}

// static imports/exports (`import x from "…"`, `export { x } from "…"`, `import "…"`) and `import("…")`
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'"`;]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const posix = (path: string) => path.split(sep).join("/");

/** Every relative import between the `.ts` files under `root` (package imports are not edges). */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, "utf8");
    const from = posix(relative(root, file));
    const add = (specifier: string, typeOnly: boolean) => {
      if (!specifier.startsWith(".")) return;
      const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
      edges.push({ from, to: posix(relative(root, target)), typeOnly });
    };
    for (const m of text.matchAll(STATIC)) add(m[3] ?? "", m[2] !== undefined);
    for (const m of text.matchAll(DYNAMIC)) add(m[1] ?? "", false);
  }
  return edges;
}

/** Checks every edge under `root` against `rules`. */
export function layeringViolations(root: string, rules: readonly LayerRule[]): Violation[] {
  const out: Violation[] = [];
  for (const edge of importEdges(root)) {
    for (const rule of rules) {
      const reason = rule.check(edge);
      if (reason !== null) out.push({ rule: rule.name, edge, reason });
    }
  }
  return out;
}
