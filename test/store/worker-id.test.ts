import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { SERVICE_MARKER_NAME } from "../../src/hosts/process-marker.js";
import { holderMayRun, sweepDeadInstance } from "../../src/store/worker-id.js";
import { pidAlive, until } from "../support/until.js";

/** A pid that was used and is gone now (its process exited and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

describe("a dead instance's leftover processes", () => {
  it("are killed before its leases count as free, and then it is free", async () => {
    const dead = await deadPid();
    const workerId = `${hostname()}:${dead}:abcd`;
    // an agent that outlived its service: it carries the dead service's pid, and so does its child
    const orphan = spawn("bash", ["--noprofile", "--norc", "-c", "sleep 30 & wait"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: "/nonexistent",
        [SERVICE_MARKER_NAME]: String(dead),
      },
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => orphan.once("exit", resolve));
    let grandchild = 0;
    await until(
      async () => {
        const { readFile } = await import("node:fs/promises");
        const kids = await readFile(`/proc/${orphan.pid}/task/${orphan.pid}/children`, "utf8").catch(
          () => "",
        );
        grandchild = Number(kids.trim().split(" ")[0] ?? 0);
        return grandchild > 0;
      },
      5_000,
      "the orphan's child",
    );
    const bystander = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      // found and killed: not free yet
      expect(holderMayRun(workerId)).toBe(true);
      await exited;
      await until(() => !pidAlive(orphan.pid as number), 5_000, "the orphan gone");
      // its child too (reparented, it may linger as an unreaped zombie: not running either way)
      await until(
        async () => {
          const { readFile } = await import("node:fs/promises");
          const stat = await readFile(`/proc/${grandchild}/stat`, "utf8").catch(() => "");
          return stat === "" || stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
        },
        5_000,
        "the orphan's child gone",
      );
      // nothing left: free, and stays so
      expect(holderMayRun(workerId)).toBe(false);
      expect(sweepDeadInstance(workerId)).toBe(false);
      // a process without the marker is not touched
      expect(pidAlive(bystander.pid as number)).toBe(true);
    } finally {
      bystander.kill("SIGKILL");
      if (orphan.exitCode === null) process.kill(-(orphan.pid as number), "SIGKILL");
    }
  });

  it("a live pid on this host, or any worker of another host, may still run and is not swept", async () => {
    expect(holderMayRun(`${hostname()}:${process.pid}:x`)).toBe(true);
    expect(sweepDeadInstance(`${hostname()}:${process.pid}:x`)).toBe(false);
    expect(holderMayRun(`elsewhere.example:${await deadPid()}:x`)).toBe(true);
  });
});
