import { err, ok, type Result } from "../../domain/result.js";
import type { KubeApiClient, KubeApiError } from "./api-client.js";

/** The fields of a Pod this host reads back. */
export interface PodView {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: { readonly phase?: string; readonly message?: string };
}

const podsPath = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;

/** Creates a pod from its manifest. */
export async function createPod(
  client: KubeApiClient,
  namespace: string,
  manifest: unknown,
): Promise<Result<PodView, KubeApiError>> {
  const created = await client.call<PodView>("POST", podsPath(namespace), manifest);
  if (!created.ok) return created;
  if (created.value === null) return err({ kind: "status", message: "pod create answered with no body" });
  return ok(created.value);
}

/** Polls the pod until it runs; a failed phase, a vanished pod or `timeoutMs` is an error. */
export async function waitRunning(
  client: KubeApiClient,
  namespace: string,
  name: string,
  timeoutMs: number,
  pollMs = 250,
): Promise<Result<void, KubeApiError>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await client.call<PodView>("GET", `${podsPath(namespace)}/${encodeURIComponent(name)}`);
    if (!got.ok) return got;
    const phase = got.value?.status?.phase;
    if (phase === "Running") return ok(undefined);
    if (phase === "Failed" || phase === "Succeeded")
      return err({
        kind: "status",
        message: `pod ${name} ended (${phase}) before it ran: ${got.value?.status?.message ?? ""}`,
      });
    if (Date.now() > deadline)
      return err({
        kind: "status",
        message: `pod ${name} did not start within ${timeoutMs}ms (phase ${phase ?? "unknown"})`,
      });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The pods matching a label selector. */
export async function listPods(
  client: KubeApiClient,
  namespace: string,
  selector: string,
): Promise<Result<readonly PodView[], KubeApiError>> {
  const listed = await client.call<{ items?: PodView[] }>(
    "GET",
    `${podsPath(namespace)}?labelSelector=${encodeURIComponent(selector)}`,
  );
  if (!listed.ok) return listed;
  return ok(listed.value?.items ?? []);
}

/** Deletes a pod at once (grace 0); an already missing pod is fine. */
export async function deletePod(
  client: KubeApiClient,
  namespace: string,
  name: string,
): Promise<Result<void, KubeApiError>> {
  const deleted = await client.call("DELETE", `${podsPath(namespace)}/${encodeURIComponent(name)}`, {
    apiVersion: "v1",
    kind: "DeleteOptions",
    gracePeriodSeconds: 0,
    propagationPolicy: "Background",
  });
  if (!deleted.ok && deleted.error.status !== 404) return deleted;
  return ok(undefined);
}
