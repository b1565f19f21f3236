/** A WORKFLOW.md split into its YAML front matter and its prompt body. */
export interface SplitWorkflow {
  /** The YAML text between the `---` fences, or null when the file has no front matter. */
  readonly yaml: string | null;
  /** 1-based file line of the first YAML line (for error positions). */
  readonly yamlFirstLine: number;
  /** The prompt body, trimmed. */
  readonly body: string;
  /** 1-based file line and column where the trimmed body starts (for template error positions). */
  readonly bodyLine: number;
  readonly bodyColumn: number;
}

function bodyOf(
  lines: readonly string[],
  from: number,
): { body: string; bodyLine: number; bodyColumn: number } {
  const raw = lines.slice(from).join("\n");
  const body = raw.trim();
  const lead = raw.length - raw.trimStart().length;
  const before = raw.slice(0, lead).split("\n");
  const bodyLine = from + before.length;
  const bodyColumn = (before[before.length - 1]?.length ?? 0) + 1;
  return { body, bodyLine, bodyColumn };
}

const FENCE = /^---[ \t]*$/;

/**
 * Splits front matter from the body (spec 5.2). Front matter starts only when line 1 is `---` and runs to
 * the next `---` line; without a closing fence every remaining line is front matter and the body is empty.
 * CRLF and a leading byte-order mark are accepted.
 */
export function splitFrontMatter(text: string): SplitWorkflow {
  const normalised = (text.startsWith("\uFEFF") ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const lines = normalised.split("\n");
  if (lines.length === 0 || !FENCE.test(lines[0] ?? "")) {
    return { yaml: null, yamlFirstLine: 1, ...bodyOf(lines, 0) };
  }
  let close = -1;
  for (let i = 1; i < lines.length; i += 1) {
    if (FENCE.test(lines[i] ?? "")) {
      close = i;
      break;
    }
  }
  if (close === -1) {
    return {
      yaml: lines.slice(1).join("\n"),
      yamlFirstLine: 2,
      body: "",
      bodyLine: lines.length,
      bodyColumn: 1,
    };
  }
  return { yaml: lines.slice(1, close).join("\n"), yamlFirstLine: 2, ...bodyOf(lines, close + 1) };
}
