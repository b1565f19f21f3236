import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPENSSL } from "./tools.js";

/** PEM material for a loopback TLS server and one client certificate, all signed by a fresh CA. */
export interface KubeCerts {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Mints a CA, a server certificate for 127.0.0.1/localhost and a client certificate (CN `symphony`). */
export function mintKubeCerts(): KubeCerts {
  const dir = mkdtempSync(join(tmpdir(), "kube-certs-"));
  const ssl = (...args: string[]) => execFileSync(OPENSSL.path, args, { cwd: dir, stdio: "pipe" });
  try {
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "1",
      "-subj",
      "/CN=fake-kube-ca",
    );
    writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    for (const [name, subject, ext] of [
      ["server", "/CN=127.0.0.1", "server.ext"],
      ["client", "/CN=symphony/O=symphony", null],
    ] as const) {
      ssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        subject,
      );
      ssl(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${name}.crt`,
        "-days",
        "1",
        ...(ext === null ? [] : ["-extfile", ext]),
      );
    }
    const read = (file: string) => readFileSync(join(dir, file), "utf8");
    return {
      ca: read("ca.crt"),
      serverCert: read("server.crt"),
      serverKey: read("server.key"),
      clientCert: read("client.crt"),
      clientKey: read("client.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A kubeconfig (YAML is a superset of JSON) for `server` with a token or the client certificate. */
export function kubeconfigFor(server: string, certs: KubeCerts, auth: { token: string } | "cert"): string {
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  const user =
    auth === "cert"
      ? { "client-certificate-data": b64(certs.clientCert), "client-key-data": b64(certs.clientKey) }
      : { token: auth.token };
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "fake",
    clusters: [{ name: "fake", cluster: { server, "certificate-authority-data": b64(certs.ca) } }],
    users: [{ name: "me", user }],
    contexts: [{ name: "fake", context: { cluster: "fake", user: "me", namespace: "agents" } }],
  });
}
