/**
 * Time to load + validate + render a WORKFLOW.md (the starter file from `symphony init`), P50 over 1,000
 * loads, against a baseline measured in the same run: reading the file and parsing its YAML only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { STARTER_WORKFLOW } from "../src/cli/starter-workflow.js";
import { loadWorkflow } from "../src/workflow/loader.js";
import { SAMPLE_ISSUE } from "../src/workflow/prompt-context.js";

const RUNS = 1_000;
const WARMUP = 100;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function measure(fn: () => void): number[] {
  for (let i = 0; i < WARMUP; i += 1) fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const dir = mkdtempSync(join(tmpdir(), "symphony-bench-load-"));
try {
  const path = join(dir, "WORKFLOW.md");
  writeFileSync(path, STARTER_WORKFLOW);
  const env = { HOME: dir };

  const full = measure(() => {
    const loaded = loadWorkflow(path, { env });
    if (!loaded.ok) throw new Error(`bench workflow does not load: ${loaded.error[0]?.message}`);
    const rendered = loaded.value.render(SAMPLE_ISSUE, null);
    if (!rendered.ok) throw new Error(`bench workflow does not render: ${rendered.error.message}`);
  });
  const baseline = measure(() => {
    const text = readFileSync(path, "utf8");
    parse(text.split("\n---\n")[0]?.replace(/^---\n/, "") ?? "");
  });

  const p50 = percentile(full, 50);
  const p90 = percentile(full, 90);
  const base50 = percentile(baseline, 50);
  process.stdout.write(`runs: ${RUNS} (after ${WARMUP} warm-up), file: ${STARTER_WORKFLOW.length} bytes\n`);
  process.stdout.write(`load+validate+render: p50 ${p50.toFixed(3)} ms, p90 ${p90.toFixed(3)} ms\n`);
  process.stdout.write(`baseline read+YAML parse: p50 ${base50.toFixed(3)} ms\n`);
  process.stdout.write(
    `load: ${p50.toFixed(3)} ms p50 (${(p50 / base50).toFixed(2)}x the read+YAML baseline)\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
