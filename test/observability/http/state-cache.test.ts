import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { StateCache } from "../../../src/observability/http/state-cache.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildSnapshot, FIXTURE_NOW, runningRow } from "../../support/snapshot-fixtures.js";

describe("StateCache", () => {
  it("serves one serialised body until the snapshot changes", () => {
    const clock = new ManualClock(FIXTURE_NOW);
    const source = new FakeStatusSource(buildSnapshot());
    const cache = new StateCache(source, { clock, maxAgeMs: 1000 });
    const first = cache.body();
    for (let i = 0; i < 50; i++) expect(cache.body()).toBe(first);
    expect(source.snapshotCalls).toBe(1);
    source.set(buildSnapshot({ running: [runningRow({ identifier: "C-1" })] }));
    expect(JSON.parse(cache.body()).counts.running).toBe(1);
    expect(source.snapshotCalls).toBe(2);
    cache.close();
    expect(source.listenerCount).toBe(0);
  });

  it("encodes the body at most once per build and re-encodes after a change", () => {
    const clock = new ManualClock(FIXTURE_NOW);
    const source = new FakeStatusSource(buildSnapshot());
    const cache = new StateCache(source, { clock });
    const first = cache.bodyBytes();
    expect(cache.bodyBytes()).toBe(first);
    expect(Buffer.from(first).toString("utf8")).toBe(cache.body());
    source.set(buildSnapshot({ running: [runningRow({ identifier: "Y-1" })] }));
    expect(Buffer.from(cache.bodyBytes()).toString("utf8")).toContain("Y-1");
    cache.close();
  });

  it("compresses at most once per build and the gzip body inflates to the JSON body", () => {
    const clock = new ManualClock(FIXTURE_NOW);
    const source = new FakeStatusSource(buildSnapshot());
    const cache = new StateCache(source, { clock });
    const first = cache.gzipBody();
    expect(cache.gzipBody()).toBe(first);
    expect(gunzipSync(first).toString("utf8")).toBe(cache.body());
    source.set(buildSnapshot({ running: [runningRow({ identifier: "Z-1" })] }));
    expect(cache.gzipBody()).not.toBe(first);
    expect(gunzipSync(cache.gzipBody()).toString("utf8")).toContain("Z-1");
    cache.close();
  });

  it("rebuilds once the body is older than maxAgeMs, so live runtimes move", () => {
    const clock = new ManualClock(FIXTURE_NOW);
    const source = new FakeStatusSource(buildSnapshot());
    const cache = new StateCache(source, { clock, maxAgeMs: 1000 });
    cache.body();
    clock.advance(999);
    cache.body();
    expect(source.snapshotCalls).toBe(1);
    clock.advance(1);
    cache.body();
    expect(source.snapshotCalls).toBe(2);
    cache.close();
  });
});
