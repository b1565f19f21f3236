import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { maskUrlCredentials, urlCredentials } from "../../src/util/url-credentials.js";
import { makeTempDir } from "../support/temp-dir.js";

const repo = resolve(import.meta.dirname, "../..");
const TOKEN = "hunter2-url-token";
let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-url-cred-");
  await mkdir(join(dir.path, "home"));
});
afterEach(async () => dir.cleanup());

// The real CLI as a child process; resolves with everything it printed.
function cli(args: string[]): Promise<{ code: number | null; output: string }> {
  const loader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", loader, join(repo, "src/cli/main.ts"), ...args], {
      cwd: dir.path,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir.path, "home"), CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.on("exit", (code) => done({ code, output }));
    setTimeout(() => child.kill("SIGTERM"), 20_000).unref();
  });
}

const workflow = (endpoint: string) =>
  [
    "---",
    "tracker:",
    "  kind: linear",
    `  endpoint: ${endpoint}`,
    "  api_key: lin_api_key_value",
    "  project_slug: demo",
    "polling: { interval_ms: 600000 }",
    "agent: { backend: command }",
    "command: { run: 'true' }",
    "---",
    "x",
    "",
  ].join("\n");

describe("credentials inside endpoint URLs are never printed", () => {
  it("maskUrlCredentials hides userinfo; urlCredentials finds the secret part", () => {
    expect(maskUrlCredentials(`see http://user:${TOKEN}@h:1/x and https://${TOKEN}@h/`)).toBe(
      "see http://[REDACTED]@h:1/x and https://[REDACTED]@h/",
    );
    expect(maskUrlCredentials("mail me at a@b.example")).toBe("mail me at a@b.example");
    expect(urlCredentials(`http://user:${TOKEN}@h/`)).toEqual([TOKEN]);
  });

  it("validate, doctor and the startup error mask them", async () => {
    const bad = join(dir.path, "BAD.md");
    await writeFile(bad, workflow(`ftp://user:${TOKEN}@127.0.0.1/x`));
    const validate = await cli(["validate", bad]);
    expect(validate.code).toBe(1);
    expect(validate.output).toContain("ftp://[REDACTED]@127.0.0.1/x");
    const start = await cli([bad]);
    expect(start.code).toBe(1);
    expect(start.output).toContain("cannot start");

    const unreachable = join(dir.path, "WORKFLOW.md");
    await writeFile(unreachable, workflow(`http://user:${TOKEN}@127.0.0.1:1/graphql`));
    const doctor = await cli(["doctor", unreachable]);
    expect(doctor.output).toContain("http://[REDACTED]@127.0.0.1:1/graphql");
    const doctorJson = await cli(["doctor", unreachable, "--json"]);
    for (const run of [validate, start, doctor, doctorJson]) expect(run.output).not.toContain(TOKEN);
  }, 90_000);
});
