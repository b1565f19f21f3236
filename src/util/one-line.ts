const MAX_SUMMARY = 160;

/** Collapses whitespace and control bytes and truncates, so a summary is one dashboard line. */
export function oneLine(text: string, max = MAX_SUMMARY): string {
  if (text.length <= max && !NEEDS_CLEANING.test(text)) return text.trim();
  let flat = "";
  let space = false;
  for (const ch of text.replace(ANSI_ESCAPE, "")) {
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f) {
      space = flat !== "";
      continue;
    }
    if (space) flat += " ";
    space = false;
    flat += ch;
    if (flat.length > max) break;
  }
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const CONTROL = `${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}`;
const NEEDS_CLEANING = new RegExp(`[${CONTROL}]|\\s\\s`);
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");
