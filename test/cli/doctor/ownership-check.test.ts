import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkWorkspaceOwnership } from "../../../src/cli/doctor/ownership-check.js";
import { makeTempDir } from "../../support/temp-dir.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-doctor-own-");
});
afterEach(async () => {
  await dir.cleanup();
});

describe("doctor: workspace ownership", () => {
  it("a root that does not exist yet is ok (it will be created 0700)", async () => {
    const [r] = await checkWorkspaceOwnership(join(dir.path, "later"));
    expect(r).toMatchObject({ status: "ok" });
  });

  it("a world-writable root fails with its mode and a fix", async () => {
    const root = join(dir.path, "shared");
    await mkdir(root);
    await chmod(root, 0o777);
    const [r] = await checkWorkspaceOwnership(root);
    expect(r).toMatchObject({ name: "workspace ownership", status: "fail" });
    expect(r?.detail).toContain("world-writable (mode 0777)");
    expect(r?.fix).toContain("chmod go-w");
  });

  it("a group-writable workspace inside a good root fails naming that workspace", async () => {
    const root = join(dir.path, "ws");
    await mkdir(join(root, "A-1"), { recursive: true });
    await chmod(root, 0o700);
    await chmod(join(root, "A-1"), 0o775);
    const results = await checkWorkspaceOwnership(root);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "fail" });
    expect(results[0]?.detail).toContain(join(root, "A-1"));
  });
});
