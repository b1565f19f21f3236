import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from "vitest/node";

/** The counts behind the closing line; suite-level and unhandled errors count as failures. */
export interface ClosingCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Counts a run: each failed test once, plus every error that belongs to no test (a failed `beforeAll`
 * or `afterAll`, a module that does not load, an unhandled rejection), so a run that fails never reads
 * "0 failed". Tests that never ran because their suite's hook failed stay "skipped".
 */
export function countRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): ClosingCounts {
  let passed = 0;
  let failed = unhandledErrors.length;
  let skipped = 0;
  for (const mod of testModules) {
    failed += mod.errors().length;
    for (const suite of mod.children.allSuites()) failed += suite.errors().length;
    const tests = [...mod.children.allTests()];
    if (mod.state() === "failed" && tests.length === 0 && mod.errors().length === 0) failed += 1;
    for (const test of tests) {
      const state = test.result().state;
      if (state === "passed") passed += 1;
      else if (state === "failed") failed += 1;
      else skipped += 1;
    }
  }
  return { passed, failed, skipped };
}

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, as the last thing a run prints
 * (after the coverage summary when coverage is on), so CI can count it. The line and the exit status
 * always agree: if the run fails for a reason no test owns (a coverage threshold, say), the line says so.
 */
export default class ClosingLineReporter implements Reporter {
  #counts: ClosingCounts | null = null;
  #coverage = false;

  onInit(ctx: Vitest): void {
    this.#coverage = ctx.config.coverage.enabled;
    // if coverage never reports (a crash in the provider), still print the count on the way out
    process.once("exit", () => this.#print());
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    this.#counts = countRun(testModules, unhandledErrors);
    if (!this.#coverage) this.#print();
  }

  onCoverage(): void {
    // the coverage summary has been written by now; end the output with the count
    setImmediate(() => this.#print());
  }

  #print(): void {
    if (this.#counts === null) return;
    const { passed, failed, skipped } = this.#counts;
    const exitFailed = process.exitCode !== undefined && process.exitCode !== 0 && process.exitCode !== "0";
    // the count stays alone on the last line (CI reads it); the explanation goes on the line before
    const note = failed === 0 && exitFailed ? "\nthe run failed outside any test: see the output above" : "";
    process.stdout.write(
      `${note}\n${passed} passed, ${failed === 0 && exitFailed ? 1 : failed} failed, ${skipped} skipped\n`,
    );
    this.#counts = null;
  }
}
