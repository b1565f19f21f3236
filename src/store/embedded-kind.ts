import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ok } from "../domain/result.js";
import { defaultDataDir } from "../util/data-dir.js";
import type { StoreKind } from "./kind.js";
import { embeddedStorePath } from "./location.js";
import { lockEmbeddedFile } from "./lock-file.js";
import { sweepDeadInstance } from "./worker-id.js";

/** `store.kind: embedded` (the default): a libSQL file under the data directory, one process at a time. */
export const embeddedStoreKind: StoreKind = {
  name: "embedded",
  shared: false,
  check: () => [],
  target(config, ctx) {
    const file = config.path ?? embeddedStorePath(ctx.dataDir ?? defaultDataDir(ctx.env), ctx.workflowPath);
    const folder = () => mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    return ok({
      kind: "embedded",
      location: file,
      open: async () => {
        folder();
        return (await import("./libsql-driver.js")).openLibsqlDriver(file);
      },
      lock: () => {
        folder();
        return lockEmbeddedFile(file);
      },
    });
  },
  // the file lock proves the previous process is gone: its leases are void at once
  holderAlive: () => false,
  // what it started outlives a SIGKILL: killed here, and not waited for (one process per file, and
  // an interrupted run is retried only after its backoff)
  leftoversRunning: (workerId) => {
    sweepDeadInstance(workerId);
    return false;
  },
};
