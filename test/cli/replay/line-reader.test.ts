import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LineReader } from "../../../src/cli/replay/line-reader.js";
import { makeTempDir } from "../../support/temp-dir.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("replay: reading a growing file", () => {
  it("hands out only complete lines, numbered, and keeps a partial line (even half a UTF-8 character) for later", async () => {
    const dir = await makeTempDir("symphony-line-reader-");
    cleanups.push(dir.cleanup);
    const path = join(dir.path, "r.events.jsonl");
    const euro = Buffer.from("€"); // three bytes
    await writeFile(path, Buffer.concat([Buffer.from("one\ntwo "), euro.subarray(0, 1)]));
    const reader = new LineReader(path);
    expect(await reader.readAvailable()).toEqual([{ line: 1, text: "one" }]);
    await appendFile(path, Buffer.concat([euro.subarray(1), Buffer.from("\nthree")]));
    expect(await reader.readAvailable()).toEqual([{ line: 2, text: "two €" }]);
    expect(await reader.readAvailable()).toEqual([]);
    expect(reader.flush()).toEqual([{ line: 3, text: "three" }]);
    expect(reader.flush()).toEqual([]);
  });
});

describe("replay: a hostile file", () => {
  it("a line longer than the cap comes out as one short marked line and the next line is intact", async () => {
    const dir = await makeTempDir("symphony-line-reader-");
    cleanups.push(dir.cleanup);
    const path = join(dir.path, "r.events.jsonl");
    await writeFile(path, Buffer.concat([Buffer.alloc(20 * 1024 * 1024, 0x61), Buffer.from("\n{}\n")]));
    const lines = await new LineReader(path).readAvailable();
    expect(lines).toHaveLength(2);
    expect(lines[0]?.text.length).toBeLessThan(1_000);
    expect(lines[0]?.text).toContain("line of 20971520 bytes not read");
    expect(lines[1]).toEqual({ line: 2, text: "{}" });
  });
});
