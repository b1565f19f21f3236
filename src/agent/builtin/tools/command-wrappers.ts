/** What a command runs besides itself: inner commands (argv) and shell scripts to parse again. */
export type Unwrapped =
  | { readonly type: "plain"; readonly commands: readonly string[][]; readonly scripts: readonly string[] }
  | { readonly type: "unsafe"; readonly reason: string }
  | { readonly type: "unknown"; readonly reason: string };

/** Options that take a value, per wrapper (both `-x VALUE` and `--long VALUE`; `--long=VALUE` is one word). */
const WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  env: new Set(["-u", "--unset", "-C", "--chdir", "-S", "--split-string"]),
  time: new Set(["-f", "--format", "-o", "--output"]),
  nice: new Set(["-n", "--adjustment"]),
  nohup: new Set(),
  command: new Set(),
  builtin: new Set(),
  exec: new Set(["-a"]),
  setsid: new Set(),
  stdbuf: new Set(["-i", "-o", "-e", "--input", "--output", "--error"]),
  timeout: new Set(["-s", "--signal", "-k", "--kill-after"]),
  sudo: new Set([
    "-u",
    "--user",
    "-g",
    "--group",
    "-C",
    "--close-from",
    "-D",
    "--chdir",
    "-h",
    "--host",
    "-p",
    "--prompt",
    "-R",
    "--chroot",
    "-r",
    "--role",
    "-t",
    "--type",
    "-T",
    "--command-timeout",
    "-U",
    "--other-user",
  ]),
  doas: new Set(["-u", "-C"]),
  xargs: new Set([
    "-a",
    "--arg-file",
    "-d",
    "--delimiter",
    "-E",
    "-e",
    "--eof",
    "-I",
    "--replace",
    "-L",
    "--max-lines",
    "-n",
    "--max-args",
    "-P",
    "--max-procs",
    "-s",
    "--max-chars",
    "--process-slot-var",
  ]),
  flock: new Set(["-w", "--timeout", "-E", "--conflict-exit-code"]),
  ionice: new Set(["-c", "--class", "-n", "--classdata", "-t"]),
  chrt: new Set(),
  watch: new Set(["-n", "--interval", "-d", "--differences"]),
  unbuffer: new Set(),
};
/** Wrappers whose first operand is not the command (`timeout DURATION cmd`, `flock FILE cmd`). */
const LEADING_OPERANDS: Readonly<Record<string, number>> = { timeout: 1, flock: 1, chrt: 1 };
const SHELLS = new Set(["bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "busybox"]);
const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);
/** git configuration keys whose value git runs as a command. */
const GIT_EXEC_KEYS =
  /^(alias\..+|core\.(pager|editor|sshcommand|fsmonitor|hookspath|askpass|gitproxy)|sequence\.editor|diff\.external|diff\..+\.(textconv|command)|merge\..+\.driver|filter\..+\.(clean|smudge|process)|credential\..*helper|gpg\.(.+\.)?program|uploadpack\.packobjectshook|pager\..+|protocol\..+)$/i;

const plain = (commands: string[][] = [], scripts: string[] = []): Unwrapped => ({
  type: "plain",
  commands,
  scripts,
});

/**
 * Looks inside one command (`argv[0]` already a basename): a wrapper's command, a shell's `-c`
 * script, `eval`'s text, `find -exec`'s commands; `git` configuration that runs commands is unsafe.
 */
export function unwrapCommand(argv: readonly string[]): Unwrapped {
  const [name = "", ...args] = argv;
  const valued = WRAPPERS[name];
  if (valued !== undefined) return unwrapWrapper(name, args, valued);
  if (SHELLS.has(name)) return unwrapShell(name, args);
  if (name === "eval") return plain([], [args.join(" ")]);
  if (name === "find") return unwrapFind(args);
  if (name === "git") return checkGit(args);
  return plain();
}

function unwrapWrapper(name: string, args: readonly string[], valued: ReadonlySet<string>): Unwrapped {
  let i = 0;
  const scripts: string[] = [];
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg === "--") {
      i++;
      break;
    }
    if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    // env -S splits its argument into a command line: judge it as one
    if (name === "env" && (arg === "-S" || arg === "--split-string")) scripts.push(args[i + 1] ?? "");
    if (name === "env" && arg.startsWith("--split-string="))
      scripts.push(arg.slice("--split-string=".length));
    i += valued.has(arg) ? 2 : 1;
  }
  i += LEADING_OPERANDS[name] ?? 0;
  const rest = args.slice(i);
  if (name === "watch") return plain([], [...scripts, rest.join(" ")]);
  if (rest.length === 0) return plain([], scripts);
  return plain([rest], scripts);
}

function unwrapShell(name: string, args: readonly string[]): Unwrapped {
  if (name === "busybox") return args.length === 0 ? plain() : plain([[...args]]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(arg)) {
      const script = args.slice(i + 1).find((a) => !a.startsWith("-"));
      if (script === undefined) return { type: "unknown", reason: `${name} -c without a command` };
      return plain([], [script]);
    }
    if (!arg.startsWith("-") && !arg.startsWith("+")) break;
  }
  return plain();
}

function unwrapFind(args: readonly string[]): Unwrapped {
  const commands: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!FIND_EXEC.has(args[i] as string)) continue;
    const end = args.findIndex((a, j) => j > i && (a === ";" || a === "+"));
    const inner = args.slice(i + 1, end === -1 ? args.length : end);
    if (inner.length === 0) return { type: "unknown", reason: `find ${args[i]} without a command` };
    commands.push(inner);
    i = end === -1 ? args.length : end;
  }
  return plain(commands);
}

function checkGit(args: readonly string[]): Unwrapped {
  const unsafe = (key: string): Unwrapped => ({
    type: "unsafe",
    reason: `git configuration ${JSON.stringify(key)} runs commands (aliases with "!", pagers, editors, helpers)`,
  });
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    let setting: string | null = null;
    if (arg === "-c" || arg === "--config-env") setting = args[++i] ?? "";
    else if (arg.startsWith("-c")) setting = arg.slice(2);
    else if (arg.startsWith("--config-env=")) setting = arg.slice("--config-env=".length);
    else if (["-C", "--git-dir", "--work-tree", "--namespace", "--exec-path"].includes(arg)) i++;
    else if (!arg.startsWith("-")) break;
    if (setting !== null) {
      const key = setting.split("=", 1)[0] ?? "";
      if (GIT_EXEC_KEYS.test(key)) return unsafe(key);
    }
  }
  if (args[i] === "config") {
    const key = args.slice(i + 1).find((a) => GIT_EXEC_KEYS.test(a));
    if (key !== undefined) return unsafe(key);
  }
  return plain();
}
