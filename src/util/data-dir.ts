import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** The per-user data directory: `$XDG_DATA_HOME/symphony`, else `~/.local/share/symphony`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "symphony");
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
  return join(home, ".local", "share", "symphony");
}
