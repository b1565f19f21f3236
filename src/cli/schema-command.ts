import { workflowJsonSchema } from "../config/schema.js";
import { CONFIG_KINDS } from "../kinds.js";
import type { CliIo } from "./io.js";

/** `symphony schema`: prints the JSON Schema of WORKFLOW.md front matter. */
export function schemaCommand(io: CliIo): number {
  io.stdout.write(`${JSON.stringify(workflowJsonSchema(CONFIG_KINDS), null, 2)}\n`);
  return 0;
}
