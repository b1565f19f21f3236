import { Writable } from "node:stream";
import type { TerminalDashboard } from "./driver.js";

/** A stream for the service logger's console sink that the terminal dashboard can take over. */
export interface LogRouter {
  /** Give this to the logger as its console stream. */
  readonly stream: NodeJS.WritableStream;
  /** While a dashboard is attached, log text is shown above its frame instead of over it. */
  attach(dashboard: TerminalDashboard): void;
  /** Log text goes straight to the original stream again. */
  detach(): void;
}

/** Routes log text to `target` (normally stderr), or through an attached terminal dashboard. */
export function createLogRouter(target: NodeJS.WritableStream): LogRouter {
  let dashboard: TerminalDashboard | null = null;
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      if (dashboard === null) target.write(text);
      else dashboard.writeLog(text);
      callback();
    },
  });
  return {
    stream,
    attach: (next) => {
      dashboard = next;
    },
    detach: () => {
      dashboard = null;
    },
  };
}
