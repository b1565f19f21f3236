// Atlassian Document Format → plain text. Block nodes end a line; inline nodes with attributes
// (mentions, emoji, cards) contribute their visible text. Unknown nodes contribute their children.

const BLOCK_TYPES = new Set(["paragraph", "heading", "blockquote", "codeBlock", "rule"]);
const MAX_DEPTH = 64;

function attrText(attrs: unknown): string {
  if (typeof attrs !== "object" || attrs === null) return "";
  const a = attrs as Record<string, unknown>;
  for (const key of ["text", "shortName", "url"]) {
    const value = a[key];
    if (typeof value === "string") return value;
  }
  return "";
}

function render(node: unknown, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH || typeof node !== "object" || node === null) return;
  const n = node as { type?: unknown; text?: unknown; attrs?: unknown; content?: unknown };
  if (n.type === "text") {
    if (typeof n.text === "string") out.push(n.text);
    return;
  }
  if (n.type === "hardBreak") {
    out.push("\n");
    return;
  }
  if (
    n.type === "mention" ||
    n.type === "emoji" ||
    n.type === "inlineCard" ||
    n.type === "date" ||
    n.type === "status"
  ) {
    out.push(attrText(n.attrs));
    return;
  }
  if (n.type === "listItem") out.push("- ");
  if (Array.isArray(n.content)) for (const child of n.content) render(child, depth + 1, out);
  if (typeof n.type === "string" && BLOCK_TYPES.has(n.type)) out.push("\n");
}

/**
 * Flattens a Jira v3 description (an ADF document, or a plain string from older payloads) to text;
 * null when there is no usable text.
 */
export function adfToText(description: unknown): string | null {
  if (typeof description === "string") return description.trim() === "" ? null : description.trim();
  const out: string[] = [];
  render(description, 0, out);
  const text = out
    .join("")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return text === "" ? null : text;
}
