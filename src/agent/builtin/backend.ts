import { randomUUID } from "node:crypto";
import { realpath } from "node:fs/promises";
import { messageOf } from "../../domain/errors.js";
import { err, ok } from "../../domain/result.js";
import type { BackendFactory } from "../backend.js";
import { buildLanguageModel } from "./provider.js";
import { BuiltinSession } from "./session.js";
import { showBuiltinProblem, validateBuiltinConfig } from "./validate.js";

/**
 * The built-in LLM-agnostic agent (`agent.backend: builtin`): an in-process tool-calling loop on
 * the Vercel AI SDK with workspace-confined tools. Its file tools run in this process, so it needs
 * the local host; commands go through `Host.runScript`.
 */
export const createBuiltinBackend: BackendFactory = (config, deps) => {
  const builtin = config.builtin;
  // the SDK prints provider warnings to the console by default; sessions log them through the Logger
  if (globalThis.AI_SDK_LOG_WARNINGS === undefined) globalThis.AI_SDK_LOG_WARNINGS = false;
  return {
    name: "builtin",
    async startSession(options) {
      const problems = validateBuiltinConfig(builtin);
      if (problems.length > 0) {
        return err({ category: "startup_failed", message: problems.map(showBuiltinProblem).join("; ") });
      }
      if (!options.host.localFilesystem) {
        return err({
          category: "startup_failed",
          message: `the builtin backend runs its file tools in-process and needs the local host, got host ${options.host.name}`,
        });
      }
      let root: string;
      try {
        root = await realpath(options.workspacePath);
      } catch (cause) {
        return err({ category: "invalid_workspace_cwd", message: messageOf(cause), cause });
      }
      let model: ReturnType<typeof buildLanguageModel>;
      try {
        model = buildLanguageModel(builtin);
      } catch (cause) {
        return err({ category: "startup_failed", message: messageOf(cause), cause });
      }
      const threadId = `builtin-${randomUUID()}`;
      deps.logger.debug("builtin session starting", {
        issue_id: options.issue.id,
        issue_identifier: options.issue.identifier,
        provider: builtin.provider,
        model: builtin.model,
        session_id: threadId,
      });
      return ok(
        new BuiltinSession({
          model,
          providerName: builtin.provider,
          config: builtin,
          start: options,
          root,
          threadId,
        }),
      );
    },
  };
};
