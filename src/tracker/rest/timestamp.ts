// RFC 3339 date-time; the offset may also be written without a colon (`+0000`), as Jira does.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of a tracker timestamp (RFC 3339, or Jira's colon-less offset), or null when absent or
 * invalid. The one timestamp parser of every tracker. Impossible days are refused: `Date.parse`
 * would roll Feb 30 over to Mar 2.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  const match = RFC3339.exec(trimmed);
  if (match === null) return null;
  const offset = match[6] ?? "";
  // only a colon-less offset (`+0000`) needs rewriting for Date.parse; the common `Z` form is parsed as is
  const ms = Date.parse(offset.length === 5 ? `${trimmed.slice(0, -2)}:${trimmed.slice(-2)}` : trimmed);
  if (Number.isNaN(ms)) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= lastDay ? ms : null;
}
