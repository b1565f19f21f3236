/**
 * The slice of the codex app-server protocol (v0.169.0) this client sends or reads, written by hand
 * from the generated JSON Schema (`codex app-server generate-json-schema --experimental`). The checked-in
 * schema files in `test/support/codex-schema/` are what tests validate outgoing messages against.
 * Codex's dialect omits the `"jsonrpc":"2.0"` field.
 */

/** A JSON-RPC id; codex's server-request ids are integers starting at 0. */
export type RequestId = string | number;

/** `AskForApproval`: a preset or a granular map (`true` = codex may ask, `false` = auto-reject). */
export type AskForApproval =
  | "untrusted"
  | "on-request"
  | "never"
  | {
      readonly granular: {
        readonly sandbox_approval: boolean;
        readonly rules: boolean;
        readonly mcp_elicitations: boolean;
        readonly request_permissions?: boolean;
        readonly skill_approval?: boolean;
      };
    };

/** `SandboxMode` accepted by `thread/start.sandbox`. */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

/** `FunctionDynamicToolSpec`, advertised at `thread/start`. */
export interface DynamicToolSpec {
  readonly type: "function";
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** `initialize` params. */
export interface InitializeParams {
  readonly clientInfo: { readonly name: string; readonly title: string; readonly version: string };
  readonly capabilities: { readonly experimentalApi: boolean };
}

/** `thread/start` params (the fields this client sets). */
export interface ThreadStartParams {
  readonly cwd: string;
  readonly approvalPolicy: AskForApproval;
  readonly sandbox: string;
  readonly dynamicTools: readonly DynamicToolSpec[];
}

/** `turn/start` params (the fields this client sets). */
export interface TurnStartParams {
  readonly threadId: string;
  readonly input: readonly [{ readonly type: "text"; readonly text: string; readonly text_elements: [] }];
  readonly cwd: string;
  readonly approvalPolicy: AskForApproval;
  readonly sandboxPolicy: Readonly<Record<string, unknown>>;
}

/** Turn statuses codex reports in `turn/completed`. */
export type TurnStatus = "completed" | "interrupted" | "failed" | "inProgress";

/** `DynamicToolCallResponse`. */
export interface DynamicToolCallResponse {
  readonly success: boolean;
  readonly contentItems: readonly { readonly type: "inputText"; readonly text: string }[];
}

/** Server-to-client request methods this client knows how to answer. */
export const SERVER_REQUEST = {
  commandApproval: "item/commandExecution/requestApproval",
  fileChangeApproval: "item/fileChange/requestApproval",
  legacyExecApproval: "execCommandApproval",
  legacyPatchApproval: "applyPatchApproval",
  permissionsApproval: "item/permissions/requestApproval",
  toolCall: "item/tool/call",
  userInput: "item/tool/requestUserInput",
  elicitation: "mcpServer/elicitation/request",
} as const;

/** JSON-RPC error code for a method this client does not implement. */
export const METHOD_NOT_FOUND = -32601;

/** A decoded inbound message: response, server request, or notification. */
export type InboundMessage =
  | {
      readonly kind: "response";
      readonly id: RequestId;
      readonly result?: unknown;
      readonly error?: { readonly code: number; readonly message: string };
    }
  | { readonly kind: "request"; readonly id: RequestId; readonly method: string; readonly params: unknown }
  | { readonly kind: "notification"; readonly method: string; readonly params: unknown };

/** Classifies a parsed JSON value (`id`+`method` → request, `id` → response, `method` → notification). */
export function classify(value: unknown): InboundMessage | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  const id = m.id;
  const hasId = typeof id === "number" || typeof id === "string";
  const method = typeof m.method === "string" ? m.method : null;
  if (hasId && method !== null) return { kind: "request", id, method, params: m.params };
  if (hasId) {
    const e = m.error as { code?: unknown; message?: unknown } | undefined;
    if (e !== undefined && e !== null) {
      return {
        kind: "response",
        id,
        error: {
          code: typeof e.code === "number" ? e.code : 0,
          message: typeof e.message === "string" ? e.message : JSON.stringify(e),
        },
      };
    }
    return { kind: "response", id, result: m.result };
  }
  if (method !== null) return { kind: "notification", method, params: m.params };
  return null;
}
