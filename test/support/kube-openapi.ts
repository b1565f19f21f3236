import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  "fixtures",
  "kubernetes",
  "core-v1-pod-openapi.json",
);

/** One schema violation in a request body: the JSON path and what was wrong there. */
export interface SchemaViolation {
  readonly path: string;
  readonly message: string;
}

// Objects with declared properties refuse unknown fields, as a server asked for fieldValidation=Strict.
function strictObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictObjects);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = strictObjects(value);
  if (out.type === "object" && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** Validates request bodies against the vendored Kubernetes OpenAPI schemas (core/v1, v1.35.1). */
export class KubeSchemas {
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv: Ajv;

  constructor() {
    const document = strictObjects(JSON.parse(readFileSync(FIXTURE, "utf8"))) as Record<string, unknown>;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    this.#ajv.addSchema({ $id: "kube", ...document });
  }

  /** The violations of `body` against the named component schema (e.g. `io.k8s.api.core.v1.Pod`). */
  violations(schema: string, body: unknown): readonly SchemaViolation[] {
    let validate = this.#validators.get(schema);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `kube#/components/schemas/${schema}` });
      this.#validators.set(schema, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => ({
      path: e.instancePath === "" ? "/" : e.instancePath,
      message:
        e.keyword === "additionalProperties"
          ? `unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`
          : (e.message ?? e.keyword),
    }));
  }
}
