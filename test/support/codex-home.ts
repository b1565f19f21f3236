import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const NATIVE_LINUX_X64 = join(
  repoRoot,
  "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex",
);

/** The pinned codex: the native linux-x64 binary when present (skips the Node wrapper), else the npm wrapper. */
export const CODEX_BINARY = existsSync(NATIVE_LINUX_X64)
  ? NATIVE_LINUX_X64
  : join(repoRoot, "node_modules/.bin/codex");

/** Flags that stop the app-server from reaching outside services (plugins, apps, web search). */
export const OFFLINE_FLAGS =
  "--disable plugins --disable apps --disable multi_agent --disable goals -c web_search=disabled";

/** `codex.command` for tests: the pinned binary, offline, plus any extra flags. */
export function codexCommand(extraFlags = ""): string {
  return `${CODEX_BINARY} ${OFFLINE_FLAGS} ${extraFlags} app-server`.replace(/\s+/g, " ").trim();
}

/** A temporary CODEX_HOME whose only provider is the fake model on loopback. */
export interface TestCodexHome {
  readonly path: string;
  cleanup(): void;
}

/** Writes a CODEX_HOME with provider `fake` → `baseUrl`, retries off, plugins off. */
export function createTestCodexHome(baseUrl: string): TestCodexHome {
  const path = mkdtempSync(join(tmpdir(), "symphony-test-codex-home-"));
  writeFileSync(
    join(path, "config.toml"),
    [
      'model = "fake-model"',
      'model_provider = "fake"',
      'web_search = "disabled"',
      "",
      "[model_providers.fake]",
      'name = "Fake"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      "supports_websockets = false",
      "",
      "[features]",
      "plugins = false",
      "apps = false",
      "",
    ].join("\n"),
  );
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
