/**
 * Benchmark runner: `npm run bench -- <name>` runs `bench/<name>.ts`.
 * Each benchmark prints its figures and ends with one line `<name>: <figure>`.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (name === undefined || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available.join(", ") || "(none)"}\n`);
  process.exit(2);
}
await import(pathToFileURL(join(here, `${name}.ts`)).href);
