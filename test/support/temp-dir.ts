import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/** A temp directory a test owns; `cleanup()` removes it. Also a fresh empty HOME for `bash -lc`. */
export async function makeTempDir(
  prefix = "symphony-test-",
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Gives every test in the file its own temp dir (made in `beforeEach`, removed in `afterEach`); read `.path` in a test. */
export function tempDirPerTest(prefix?: string): { readonly path: string } {
  let current: { path: string; cleanup: () => Promise<void> } | null = null;
  beforeEach(async () => {
    current = await makeTempDir(prefix);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  return {
    get path(): string {
      if (current === null) throw new Error("tempDirPerTest: read .path inside a test");
      return current.path;
    },
  };
}

/** A maker of temp dirs for this file's tests: each call makes one; all are removed in `afterEach`. */
export function tempDirsPerTest(prefix?: string): () => Promise<string> {
  const made: { path: string; cleanup: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0).reverse()) await dir.cleanup();
  });
  return async () => {
    const dir = await makeTempDir(prefix);
    made.push(dir);
    return dir.path;
  };
}
