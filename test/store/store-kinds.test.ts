import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../src/config/build-config.js";
import type { StoreConfig } from "../../src/config/types.js";
import { kindRegistry } from "../../src/domain/kind.js";
import { silentLogger } from "../../src/domain/logger.js";
import { ok } from "../../src/domain/result.js";
import { CONFIG_KINDS, STORES } from "../../src/kinds.js";
import type { StoreKind } from "../../src/store/kind.js";
import { openLibsqlDriver } from "../../src/store/libsql-driver.js";
import { openJournal, storeTarget } from "../../src/store/open.js";
import { ManualClock } from "../support/manual-clock.js";
import { tempDirsPerTest } from "../support/temp-dir.js";

// Stores are kinds (`store.kind`): config checks the section through the kind, the service opens
// whatever kind the registry holds.

const temp = tempDirsPerTest("symphony-store-kinds-");
const workflowPath = "/srv/project/WORKFLOW.md";
const build = (store: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  buildServiceConfig({ tracker: { kind: "memory" }, store }, { workflowPath, env, kinds: CONFIG_KINDS });
const config = (partial: Partial<StoreConfig>): StoreConfig => ({
  kind: "embedded",
  path: null,
  url: null,
  leaseTtlMs: null,
  ...partial,
});

describe("store kinds in config", () => {
  it("the registry lists embedded first (the default) and postgres", () => {
    expect(STORES.names).toEqual(["embedded", "postgres"]);
    const built = build({});
    expect(built.ok && built.value.store.kind).toBe("embedded");
  });

  it("an unknown kind names the registered ones; postgres without a url is the kind's own problem", () => {
    const unknown = build({ kind: "mysql" });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error[0]?.key).toBe("store.kind");
      expect(unknown.error[0]?.message).toContain("must be one of embedded, postgres");
      expect(unknown.error[0]?.message).toContain("mysql");
    }
    const noUrl = build({ kind: "Postgres" });
    expect(noUrl.ok).toBe(false);
    if (!noUrl.ok) expect(noUrl.error.map((e) => e.key)).toEqual(["store.url"]);
    const withUrl = build({ kind: "postgres", url: "$DB" }, { DB: "postgres://u:secret@127.0.0.1/db" });
    expect(withUrl.ok && withUrl.value.store).toMatchObject({ kind: "postgres" });
    // the url is a secret: redacted from everything Symphony shows
    expect(withUrl.ok && withUrl.value.secretValues).toContain("postgres://u:secret@127.0.0.1/db");
  });
});

describe("store targets", () => {
  it("embedded defaults to a file per workflow under the data directory; postgres shows its url without the password", () => {
    const embedded = storeTarget(config({}), workflowPath, {}, "/data", STORES);
    expect(embedded.ok && embedded.value.location).toMatch(/^\/data\/project-[0-9a-f]{8}\.db$/);
    expect(embedded.ok && embedded.value.lock).not.toBeNull();
    const pg = storeTarget(
      config({ kind: "postgres", url: "postgres://u:secret@127.0.0.1:5432/db" }),
      workflowPath,
      {},
      null,
      STORES,
    );
    expect(pg.ok && pg.value.location).toBe("postgres://u@127.0.0.1:5432/db");
    expect(pg.ok && pg.value.lock).toBeNull();
    const unknown = storeTarget(config({ kind: "nope" }), workflowPath, {}, null, STORES);
    expect(!unknown.ok && unknown.error.code).toBe("store_config");
  });

  it("a new store kind needs only its definition in the registry: the service's journal opens it", async () => {
    const file = join(await temp(), "custom.db");
    const opened: string[] = [];
    const custom: StoreKind = {
      name: "custom",
      shared: true,
      check: () => [],
      target: () =>
        ok({
          kind: "custom",
          location: `custom:${file}`,
          open: async () => {
            opened.push(file);
            return openLibsqlDriver(file);
          },
          lock: null,
        }),
      holderAlive: () => true,
    };
    const journal = await openJournal({
      config: config({ kind: "custom" }),
      workflowPath,
      env: {},
      dataDir: null,
      pollIntervalMs: 30_000,
      stores: kindRegistry([custom]),
      clock: new ManualClock(),
      logger: silentLogger,
    });
    expect(journal.ok).toBe(true);
    if (!journal.ok) return;
    await journal.value.open(() => ({ running: [], retries: [], blocked: [], claims: [] }));
    expect(opened).toEqual([file]);
    expect(journal.value.durable()?.health).toMatchObject({ kind: "custom", ok: true, shared: true });
    await journal.value.close();
  });
});
