import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

const dir = join(dirname(fileURLToPath(import.meta.url)), "codex-schema");

function load(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

const clientRequest = load("ClientRequest");
const clientNotification = load("ClientNotification");
const rpcError = load("JSONRPCError");
const responses = [
  "CommandExecutionRequestApprovalResponse",
  "FileChangeRequestApprovalResponse",
  "ExecCommandApprovalResponse",
  "ApplyPatchApprovalResponse",
  "McpServerElicitationRequestResponse",
  "PermissionsRequestApprovalResponse",
  "DynamicToolCallResponse",
  "ToolRequestUserInputResponse",
].map((name) => ({ name, validate: load(name) }));

/**
 * Checks one message the client sent against the pinned codex schema: requests against `ClientRequest`,
 * notifications against `ClientNotification`, replies to server requests against the response schemas.
 * Returns the problems (empty when valid).
 */
export function schemaProblems(message: Record<string, unknown>): string[] {
  if ("id" in message && "method" in message) {
    const method = String(message.method);
    return clientRequest(message)
      ? []
      : [`request ${method}: ${JSON.stringify(clientRequest.errors?.slice(0, 3))}`];
  }
  if ("method" in message) {
    return clientNotification(message) ? [] : [`notification: ${JSON.stringify(clientNotification.errors)}`];
  }
  if ("error" in message) return rpcError(message) ? [] : [`error reply: ${JSON.stringify(rpcError.errors)}`];
  if (responses.some((r) => r.validate(message.result))) return [];
  return [`reply ${JSON.stringify(message).slice(0, 200)} matches no server-request response schema`];
}

/** Problems across an NDJSON capture of everything the client wrote to codex's stdin. */
export function schemaProblemsInCapture(ndjson: string): { count: number; problems: string[] } {
  const lines = ndjson.split("\n").filter((l) => l.trim() !== "");
  return {
    count: lines.length,
    problems: lines.flatMap((l) => schemaProblems(JSON.parse(l) as Record<string, unknown>)),
  };
}
