import { problem } from "../domain/config-problem.js";
import { err, ok } from "../domain/result.js";
import type { StoreKind } from "./kind.js";
import { redactedUrl } from "./location.js";
import { storeError } from "./store-error.js";
import { holderMayRun, sweepDeadInstance } from "./worker-id.js";

/** `store.kind: postgres`: a PostgreSQL server (`store.url`) that several instances share through leases. */
export const postgresStoreKind: StoreKind = {
  name: "postgres",
  shared: true,
  check: (config) =>
    config.url === null || config.url === ""
      ? [problem("store.url", "required", "is required when store.kind is postgres")]
      : [],
  target(config) {
    const url = config.url;
    if (url === null || url === "")
      return err(storeError("store_config", "store.url is required for postgres"));
    return ok({
      kind: "postgres",
      location: redactedUrl(url),
      open: async () => (await import("./pg-driver.js")).openPgDriver(url),
      lock: null,
    });
  },
  holderAlive: holderMayRun,
  leftoversRunning: sweepDeadInstance,
};
