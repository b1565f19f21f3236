import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../src/util/line-splitter.js";

describe("LineSplitter", () => {
  it("17.5: partial lines are buffered until the newline arrives", () => {
    const s = new LineSplitter(1024);
    expect(s.push(Buffer.from('{"a":'))).toEqual([]);
    expect(s.push(Buffer.from('1}\n{"b"'))).toEqual([{ type: "line", text: '{"a":1}' }]);
    expect(s.push(Buffer.from(":2}\r\n"))).toEqual([{ type: "line", text: '{"b":2}' }]);
  });

  it("splits several lines in one chunk and flushes an unterminated tail at end", () => {
    const s = new LineSplitter(1024);
    expect(s.push(Buffer.from("a\nb\nc"))).toEqual([
      { type: "line", text: "a" },
      { type: "line", text: "b" },
    ]);
    expect(s.end()).toEqual([{ type: "line", text: "c" }]);
    expect(s.end()).toEqual([]);
  });

  it("keeps multi-byte characters split across chunks intact", () => {
    const s = new LineSplitter(1024);
    const bytes = Buffer.from("héllo\n");
    expect([...s.push(bytes.subarray(0, 2)), ...s.push(bytes.subarray(2))]).toEqual([
      { type: "line", text: "héllo" },
    ]);
  });

  it("10.1: a line over the cap is reported once as overflow with a bounded head, and the next line is clean", () => {
    const s = new LineSplitter(100);
    const out = [
      ...s.push(Buffer.from("x".repeat(80))),
      ...s.push(Buffer.from("y".repeat(500))),
      ...s.push(Buffer.from("z".repeat(500))),
      ...s.push(Buffer.from("\nnext\n")),
    ];
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ type: "overflow", bytes: 1080 });
    expect(out[0]?.type === "overflow" && out[0].head.length).toBe(200);
    expect(out[1]).toEqual({ type: "line", text: "next" });
  });
});
