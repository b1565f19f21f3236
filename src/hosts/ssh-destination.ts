import { err, ok, type Result } from "../domain/result.js";

/** An SSH destination split into what `ssh` takes: the target (`[user@]host`) and an optional `-p` port. */
export interface SshDestination {
  readonly target: string;
  readonly port: number | null;
}

/** Why a destination string was refused. */
export interface SshDestinationError {
  readonly kind: "invalid_ssh_destination";
  readonly destination: string;
  readonly message: string;
}

const BRACKETED = /^(?<user>[^@[\]\s]+@)?\[(?<host>[^\]\s]+)\](?::(?<port>\d+))?$/;
const HOST_PORT = /^(?<target>[^:\s]+):(?<port>\d+)$/;

/**
 * Parses `host`, `user@host`, `host:port`, `user@host:port` and `[v6]:port` (brackets dropped, port
 * split off). An unbracketed IPv6 literal passes through unchanged. Blank strings, whitespace and a
 * leading `-` (which ssh would read as an option) are refused.
 */
export function parseSshDestination(destination: string): Result<SshDestination, SshDestinationError> {
  const refuse = (message: string) =>
    err<SshDestinationError>({ kind: "invalid_ssh_destination", destination, message });
  const text = destination.trim();
  if (text === "") return refuse("destination is blank");
  if (/\s/.test(text)) return refuse("destination contains whitespace");
  if (text.startsWith("-")) return refuse("destination must not start with '-'");
  const bracketed = BRACKETED.exec(text);
  if (bracketed?.groups !== undefined) {
    const { user = "", host = "", port } = bracketed.groups;
    return finish(`${user}${host}`, port, refuse);
  }
  if (text.includes("[") || text.includes("]")) return refuse("unbalanced brackets");
  const hostPort = HOST_PORT.exec(text);
  if (hostPort?.groups !== undefined)
    return finish(hostPort.groups.target ?? "", hostPort.groups.port, refuse);
  return finish(text, undefined, refuse);
}

function finish(
  target: string,
  port: string | undefined,
  refuse: (message: string) => Result<SshDestination, SshDestinationError>,
): Result<SshDestination, SshDestinationError> {
  if (target === "" || target.endsWith("@") || target.startsWith("@")) return refuse("host is missing");
  if (target.startsWith("-")) return refuse("destination must not start with '-'");
  if (port === undefined) return ok({ target, port: null });
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65_535) return refuse(`port out of range: ${port}`);
  return ok({ target, port: number });
}
