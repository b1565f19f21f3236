import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { STARTED_MARKER, StartMarkerFilter } from "../../src/hosts/ssh-marker.js";

async function run(chunks: string[]): Promise<{ text: string; started: boolean }> {
  const filter = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new StartMarkerFilter());
  let text = "";
  for await (const chunk of filter) text += (chunk as Buffer).toString("utf8");
  return { text, started: filter.started };
}

describe("start marker filter", () => {
  it("drops login noise before the marker line and passes the rest through", async () => {
    expect(await run(["motd noise\n", `${STARTED_MARKER}\n{"id":1}\n`, "tail"])).toEqual({
      text: '{"id":1}\ntail',
      started: true,
    });
  });

  it("finds a marker split across chunks", async () => {
    const half = STARTED_MARKER.length / 2;
    expect(await run([STARTED_MARKER.slice(0, half), STARTED_MARKER.slice(half), "\nout\n"])).toEqual({
      text: "out\n",
      started: true,
    });
  });

  it("ignores the marker text when it is not at the start of a line", async () => {
    expect(await run([`x${STARTED_MARKER}\n`, `${STARTED_MARKER}\nok`])).toEqual({
      text: "ok",
      started: true,
    });
  });

  it("without a marker everything is passed through at the end and started stays false", async () => {
    expect(await run(["ssh: connect to host refused\n"])).toEqual({
      text: "ssh: connect to host refused\n",
      started: false,
    });
  });
});
