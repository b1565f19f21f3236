import { describe, expect, it } from "vitest";
import { StreamDemux } from "../../../src/hosts/docker/stream-demux.js";

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("StreamDemux", () => {
  it("splits frames into stdout and stderr even when headers and payloads arrive in pieces", () => {
    const demux = new StreamDemux();
    const out: string[] = [];
    const err: string[] = [];
    demux.stdout.on("data", (c: Buffer) => out.push(c.toString()));
    demux.stderr.on("data", (c: Buffer) => err.push(c.toString()));
    const bytes = Buffer.concat([frame(1, "hello "), frame(2, "oops"), frame(1, "world")]);
    for (let i = 0; i < bytes.length; i += 3) demux.push(bytes.subarray(i, i + 3));
    demux.end();
    expect(out.join("")).toBe("hello world");
    expect(err.join("")).toBe("oops");
  });
});
