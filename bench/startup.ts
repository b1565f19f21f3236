/**
 * CLI start-up: wall time of `symphony --version` and `symphony validate` (the starter workflow from
 * `symphony init`) against `node -e ''`, measured in the same run, interleaved, the order rotating every
 * round. Runs the built CLI (`dist/cli/main.js`, what the `symphony` bin points at), rebuilt first.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { STARTER_WORKFLOW } from "../src/cli/starter-workflow.js";

const ROUNDS = 25;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const main = join(root, "dist", "cli", "main.js");

process.stdout.write("building dist/ (tsc -p tsconfig.build.json)…\n");
execFileSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);

const dir = mkdtempSync(join(tmpdir(), "symphony-bench-startup-"));
const home = join(dir, "home");
mkdirSync(home);
writeFileSync(join(dir, "WORKFLOW.md"), STARTER_WORKFLOW);
// the starter names `codex app-server`: validate resolves it through `bash -lc` on this PATH
const env = {
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
  HOME: home,
  LINEAR_API_KEY: "bench-not-a-secret",
};

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  readonly samples: number[];
}

const variants: Variant[] = [
  { name: "node -e ''", args: ["-e", ""], samples: [] },
  { name: "symphony --version", args: [main, "--version"], samples: [] },
  { name: "symphony validate", args: [main, "validate", join(dir, "WORKFLOW.md")], samples: [] },
];

function once(variant: Variant): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, variant.args, { cwd: dir, env, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (run.status !== 0) {
    throw new Error(`${variant.name} exited ${run.status}: ${run.stderr.trim().slice(0, 500)}`);
  }
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

try {
  for (const variant of variants) once(variant); // warm the file cache
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < variants.length; i += 1) {
      const variant = variants[(round + i) % variants.length] as Variant;
      variant.samples.push(once(variant));
    }
  }
  const base = median(variants[0]?.samples ?? []);
  for (const variant of variants) {
    const m = median(variant.samples);
    process.stdout.write(
      `${variant.name.padEnd(20)} median ${m.toFixed(1)} ms, min ${Math.min(...variant.samples).toFixed(1)} ms (${(m / base).toFixed(2)}x node)\n`,
    );
  }
  const version = median(variants[1]?.samples ?? []) / base;
  const validate = median(variants[2]?.samples ?? []) / base;
  process.stdout.write(
    `rounds: ${ROUNDS}, node ${process.version}, load average (1 min) ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores\n`,
  );
  process.stdout.write(
    `startup: --version ${version.toFixed(2)}x, validate ${validate.toFixed(2)}x node -e ''\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
