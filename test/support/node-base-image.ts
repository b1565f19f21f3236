import { execFile } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { BUSYBOX_PATH, dockerCli, sharedLibraries, type TestDockerd } from "./dockerd.js";

const run = promisify(execFile);

/** Tag of the stand-in for `node:20-slim` the service-image test builds on. */
export const TEST_NODE_BASE = "symphony-test-node:local";

/**
 * Builds {@link TEST_NODE_BASE} `FROM scratch` from this machine: busybox (for `RUN`'s `/bin/sh`), the
 * running `node` with its shared libraries, and the global `npm`. No registry is involved.
 */
export async function buildNodeBaseImage(daemon: Pick<TestDockerd, "address">): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), "symphony-node-base-"));
  try {
    const put = async (source: string, target: string) => {
      await mkdir(join(context, dirname(target)), { recursive: true });
      await copyFile(source, join(context, target));
    };
    await put(BUSYBOX_PATH, "bin/busybox");
    const { stdout } = await run(BUSYBOX_PATH, ["--list"]);
    for (const applet of stdout.split("\n").filter((a) => a !== "" && a !== "busybox")) {
      await symlink("busybox", join(context, "bin", applet)).catch(() => {});
    }
    await mkdir(join(context, "usr/bin"), { recursive: true });
    await symlink("/bin/busybox", join(context, "usr/bin/env"));
    await put(process.execPath, "usr/local/bin/node");
    for (const lib of await sharedLibraries(process.execPath)) await put(lib, lib.slice(1));
    // node:20-slim carries all of glibc; the stand-in adds what the service's native addon (libsql) links
    const addon = join(import.meta.dirname, "../../node_modules/@libsql/linux-x64-gnu/index.node");
    for (const lib of await sharedLibraries(addon)) await put(lib, lib.slice(1));
    const npmRoot = (await run("npm", ["root", "-g"])).stdout.trim();
    await cp(join(npmRoot, "npm"), join(context, "usr/local/lib/node_modules/npm"), { recursive: true });
    await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(context, "usr/local/bin/npm"));
    await mkdir(join(context, "tmp"), { recursive: true });
    await writeFile(join(context, ".dockerignore"), "Dockerfile\n.dockerignore\n");
    await writeFile(
      join(context, "Dockerfile"),
      ["FROM scratch", "COPY . /", "ENV PATH=/usr/local/bin:/usr/bin:/bin", 'CMD ["node"]', ""].join("\n"),
    );
    await dockerCli(daemon, ["build", "-q", "-t", TEST_NODE_BASE, context]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
