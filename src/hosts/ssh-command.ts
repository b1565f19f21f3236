import { PROCESS_MARKER_NAME } from "./process-marker.js";
import { STARTED_MARKER } from "./ssh-marker.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a string for a POSIX shell: `'…'`, with each `'` written as `'"'"'`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** A remote path as a shell word: a leading `~` or `~/` becomes the remote login's `$HOME`. */
export function remotePathWord(path: string): string {
  if (path === "~") return '"$HOME"';
  if (path.startsWith("~/")) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}

/** How the remote child's stdio is wired: `script` (stdin empty, stderr into stdout) or `stdio` (stdin forwarded). */
export type WrapperMode = "script" | "stdio";

/** What the remote wrapper runs. */
export interface WrapperSpec {
  readonly mode: WrapperMode;
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Seconds between SIGTERM and SIGKILL for the remote group. */
  readonly graceMs: number;
  /** `bash -lc` (reads the login profile) instead of `bash --noprofile --norc -c`. */
  readonly loginShell?: boolean;
}

/** What to hand to `ssh`: the remote command line, and the bytes to write to its stdin first. */
export interface RemoteInvocation {
  /** `bash --norc -c '<wrapper>'`; holds no environment values. */
  readonly command: string;
  /** The environment as `export K='v'` lines, NUL-terminated; the wrapper reads it before anything else. */
  readonly preamble: string;
}

/**
 * Builds the remote side: `bash --norc -c '<wrapper>'` (no `.bashrc` for the wrapper itself; the
 * command's own bash reads no start-up files either, unless `loginShell` asks for `bash -lc`). The wrapper reads the environment from stdin (so values never appear in a
 * command line, local or remote), then starts bash under `setsid` (own session and process
 * group) with the remote login's identity variables plus exactly `env`, in `cwd`. End-of-file on its
 * stdin (the local side closing it, or the connection dropping) means "stop": SIGTERM to the group,
 * SIGKILL after the grace. When the script ends by itself, whatever it left in its group is killed too,
 * and in both cases so is every process still carrying the call's `SYMPHONY_PROCESS_MARKER` (setsid escapes).
 * The wrapper exits with the script's status.
 */
export function remoteInvocation(spec: WrapperSpec): RemoteInvocation {
  const exports: string[] = [];
  for (const [name, value] of Object.entries(spec.env)) {
    if (!ENV_NAME.test(name))
      throw new TypeError(`invalid environment variable name: ${JSON.stringify(name)}`);
    if (value.includes("\0")) throw new TypeError(`environment variable ${name} contains a NUL byte`);
    exports.push(`export ${name}=${shellQuote(value)}`);
  }
  // `$1` is the working directory, already expanded by the wrapper (so `~` means the login's HOME);
  // the marker comes after the login profile ran, so the local side can drop whatever that printed
  const inner = `printf '%s\\n' ${STARTED_MARKER}\ncd -- "$1" || exit 1\nshift\n${spec.command}`;
  const launch = [
    // keep only the remote account's identity (never anything from the local side), then add `env`
    "( h=$HOME u=$USER l=$LOGNAME s=$SHELL x=$PATH",
    '  for v in $(compgen -e 2>/dev/null); do unset "$v" 2>/dev/null; done',
    '  export HOME="$h" USER="$u" LOGNAME="$l" SHELL="$s" PATH="$x"',
    '  eval "$e"',
    `  export ${PROCESS_MARKER_NAME}="$m"`,
    `  exec setsid "$b" ${spec.loginShell === true ? "-lc" : "--noprofile --norc -c"} ${shellQuote(inner)} bash "$w" )`,
  ].join("\n");
  const grace = (Math.max(0, spec.graceMs) / 1000).toFixed(3);
  const lines = [
    "stop=0",
    "trap 'stop=1' HUP INT TERM",
    "b=$(command -v bash) || exit 127",
    // a per-call marker in the command's environment: what escapes the group (setsid) is found by it
    'm=$(cat /proc/sys/kernel/random/uuid 2>/dev/null) || m="$$-$RANDOM-$RANDOM"',
    `sweep() { grep -lzxF "${PROCESS_MARKER_NAME}=$m" /proc/[0-9]*/environ 2>/dev/null | while IFS=/ read -r _ _ q _; do kill -KILL "$q" 2>/dev/null; done; }`,
    `w=${remotePathWord(spec.cwd)}`,
    // bash reads a pipe byte by byte here, so nothing after the NUL is consumed
    "IFS= read -r -d '' e || exit 125",
  ];
  if (spec.mode === "script") {
    lines.push(`${launch} </dev/null 2>&1 &`, "p=$!", "cat <&0 >/dev/null &", "c=$!");
  } else {
    lines.push(
      "d=$(mktemp -d) || exit 125",
      'mkfifo "$d/in" || exit 125',
      `${launch} <"$d/in" &`,
      "p=$!",
      'exec 3>"$d/in"',
      'rm -rf "$d"',
      "cat <&0 >&3 &",
      "c=$!",
      "exec 3>&-",
    );
  }
  lines.push(
    "wait -n",
    "s=$?",
    // the script ended on its own: sweep its group and report its status
    'if [ "$stop" = 0 ] && kill -0 "$c" 2>/dev/null; then',
    '  kill "$c" 2>/dev/null',
    '  kill -KILL -- "-$p" 2>/dev/null',
    "  sweep",
    '  exit "$s"',
    "fi",
    // stdin closed or we were signalled: stop the group in two phases
    'kill "$c" 2>/dev/null',
    'wait "$c" 2>/dev/null',
    'kill -TERM -- "-$p" 2>/dev/null',
    `sleep ${grace} &`,
    "k=$!",
    "wait -n",
    "s=$?",
    'if kill -0 "$k" 2>/dev/null; then kill "$k" 2>/dev/null; wait "$k" 2>/dev/null',
    'else kill -KILL -- "-$p" 2>/dev/null; wait "$p"; s=$?; fi',
    'kill -KILL -- "-$p" 2>/dev/null',
    "sweep",
    'exit "$s"',
  );
  return { command: `bash --norc -c ${shellQuote(lines.join("\n"))}`, preamble: `${exports.join("\n")}\0` };
}
