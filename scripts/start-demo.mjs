#!/usr/bin/env node
// `npm start`: runs the bundled example on a private copy (./.demo/local) so the demo's issue moves and
// workspaces never touch the tracked files in examples/local. Delete ./.demo to start over.
import { spawn } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const demo = join(root, ".demo", "local");
if (!existsSync(join(demo, "WORKFLOW.md"))) {
  cpSync(join(root, "examples", "local"), demo, {
    recursive: true,
    filter: (src) => !src.includes(`${join("examples", "local", ".symphony")}`),
  });
  process.stderr.write(`demo: copied examples/local to ${demo} (delete it to start over)\n`);
}
const port = process.argv.indexOf("--port");
process.stderr.write(
  port === -1
    ? "demo: Ctrl-C stops it; for the web dashboard run `npm start -- --port 4000` and open http://127.0.0.1:4000/\n"
    : `demo: Ctrl-C stops it; web dashboard at http://127.0.0.1:${process.argv[port + 1]}/\n`,
);
const child = spawn(process.execPath, [join(root, "dist", "cli", "main.js"), join(demo, "WORKFLOW.md"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
