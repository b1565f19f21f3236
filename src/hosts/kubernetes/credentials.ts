import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";

/** How to reach and authenticate to one API server (PEM material as text). */
export interface ClusterAccess {
  /** `https://host:port` (no trailing slash). */
  readonly server: string;
  readonly ca?: string;
  readonly token?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureSkipTlsVerify: boolean;
  /** The namespace the credentials name (kubeconfig context or the service account's), if any. */
  readonly namespace?: string;
  /** Where the credentials came from: a kubeconfig path or `in-cluster`. */
  readonly source: string;
}

/** Why no credentials could be read. */
export interface CredentialsError {
  readonly kind: "credentials";
  readonly source: string;
  readonly message: string;
}

/** Where the in-cluster service-account files live (tests point elsewhere). */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** What {@link loadClusterAccess} reads besides the files. */
export interface AccessOptions {
  /** `kubernetes.kubeconfig` (resolved), or null. */
  readonly kubeconfig: string | null;
  readonly context: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
}

/**
 * Credentials from `kubernetes.kubeconfig`, else `$KUBECONFIG` (first entry), else `~/.kube/config`
 * when it exists, else in-cluster (`KUBERNETES_SERVICE_HOST`/`_PORT` and the service-account token and CA).
 */
export function loadClusterAccess(options: AccessOptions): Result<ClusterAccess, CredentialsError> {
  const fromEnv = options.env.KUBECONFIG?.split(":").find((p) => p !== "");
  const home = join(options.env.HOME ?? homedir(), ".kube", "config");
  const path = options.kubeconfig ?? fromEnv ?? (readable(home) ? home : null);
  if (path !== null) return fromKubeconfig(path, options.context);
  return inCluster(options.env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

type Named<T> = { readonly name?: string } & T;
interface KubeconfigFile {
  readonly "current-context"?: string;
  readonly contexts?: Named<{ readonly context?: Record<string, string> }>[];
  readonly clusters?: Named<{ readonly cluster?: Record<string, unknown> }>[];
  readonly users?: Named<{ readonly user?: Record<string, string> }>[];
}

function fromKubeconfig(path: string, context: string | null): Result<ClusterAccess, CredentialsError> {
  const fail = (message: string) => err<CredentialsError>({ kind: "credentials", source: path, message });
  let file: KubeconfigFile;
  try {
    file = parse(readFileSync(path, "utf8")) as KubeconfigFile;
  } catch (cause) {
    return fail(`cannot read kubeconfig: ${messageOf(cause)}`);
  }
  const contextName = context ?? file["current-context"];
  const ctx = file.contexts?.find((c) => c.name === contextName)?.context;
  if (ctx === undefined) return fail(`no context ${JSON.stringify(contextName ?? "")} in the kubeconfig`);
  const cluster = file.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (cluster === undefined || typeof cluster.server !== "string")
    return fail(`context ${JSON.stringify(contextName)} names no cluster with a server`);
  const user = file.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const base = dirname(path);
  const material = (data: unknown, file: unknown): string | undefined => {
    if (typeof data === "string") return Buffer.from(data, "base64").toString("utf8");
    if (typeof file === "string") return readFileSync(isAbsolute(file) ? file : join(base, file), "utf8");
    return undefined;
  };
  try {
    const ca = material(cluster["certificate-authority-data"], cluster["certificate-authority"]);
    const cert = material(user["client-certificate-data"], user["client-certificate"]);
    const key = material(user["client-key-data"], user["client-key"]);
    const token = user.token ?? material(undefined, user.tokenFile)?.trim();
    return ok({
      server: cluster.server.replace(/\/+$/, ""),
      insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
      source: path,
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(token === undefined ? {} : { token }),
      ...(ctx.namespace === undefined ? {} : { namespace: ctx.namespace }),
    });
  } catch (cause) {
    return fail(`cannot read credentials: ${messageOf(cause)}`);
  }
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): Result<ClusterAccess, CredentialsError> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  const fail = (message: string) =>
    err<CredentialsError>({ kind: "credentials", source: "in-cluster", message });
  if (host === undefined || host === "")
    return fail("no kubeconfig found and KUBERNETES_SERVICE_HOST is not set (not in a cluster)");
  try {
    const token = readFileSync(join(dir, "token"), "utf8").trim();
    const ca = readFileSync(join(dir, "ca.crt"), "utf8");
    const namespace = readable(join(dir, "namespace"))
      ? readFileSync(join(dir, "namespace"), "utf8").trim()
      : undefined;
    const hostPart = host.includes(":") ? `[${host}]` : host;
    return ok({
      server: `https://${hostPart}:${port}`,
      token,
      ca,
      insecureSkipTlsVerify: false,
      source: "in-cluster",
      ...(namespace === undefined ? {} : { namespace }),
    });
  } catch (cause) {
    return fail(`cannot read the service-account token or CA: ${messageOf(cause)}`);
  }
}
