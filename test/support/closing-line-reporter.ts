import type { Reporter, TestModule, Vitest } from "vitest/node";

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, as the last thing a run prints
 * (after the coverage summary when coverage is on), so CI can count it.
 */
export default class ClosingLineReporter implements Reporter {
  #line: string | null = null;
  #coverage = false;

  onInit(ctx: Vitest): void {
    this.#coverage = ctx.config.coverage.enabled;
    // if coverage never reports (a crash in the provider), still print the count on the way out
    process.once("exit", () => this.#print());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      const tests = [...mod.children.allTests()];
      if (mod.state() === "failed" && tests.length === 0) failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
    }
    this.#line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
    if (!this.#coverage) this.#print();
  }

  onCoverage(): void {
    // the coverage summary has been written by now; end the output with the count
    setImmediate(() => this.#print());
  }

  #print(): void {
    if (this.#line === null) return;
    process.stdout.write(`\n${this.#line}\n`);
    this.#line = null;
  }
}
