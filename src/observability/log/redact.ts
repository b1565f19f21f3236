import { maskUrlCredentials } from "../../util/url-credentials.js";

/** Replacement written where a secret was. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not redacted: replacing one- or two-letter strings would shred every line. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of known secret values in strings; the set can change on reload. The
 * service creates one at startup and hands the same object to every surface that lets text out of the
 * process (log sinks, HTTP API and SSE, run logs and event records, tracker writes), so a reload that
 * changes a secret changes it everywhere at once.
 */
export class Redactor {
  #secrets: string[] = [];

  /** Replaces the set of secret values (longest first, so overlapping secrets redact fully). */
  setSecrets(values: readonly string[]): void {
    const forms = new Set<string>();
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      forms.add(value);
      // the same secret inside JSON text (a quote or backslash in it is escaped there)
      forms.add(JSON.stringify(value).slice(1, -1));
    }
    this.#secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  /** True when no secret is known (every call is then the identity). */
  get empty(): boolean {
    return this.#secrets.length === 0;
  }

  /** The string with every secret, and the credentials of every URL, replaced by {@link REDACTED}. */
  redact(text: string): string {
    let out = maskUrlCredentials(text);
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /**
   * A copy of a plain value (objects, arrays, strings, numbers…) with every string redacted. Parts
   * with nothing to redact are returned as they are (no copy), so a clean snapshot costs one walk.
   */
  redactDeep<T>(value: T): T {
    return this.#walk(value) as T;
  }

  #walk(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const next = this.#walk(value[i]);
        if (next !== value[i]) {
          copy ??= value.slice();
          copy[i] = next;
        }
      }
      return copy ?? value;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      return value; // Dates, Errors…: not plain data
    }
    let copy: Record<string, unknown> | null = null;
    for (const [key, child] of Object.entries(value)) {
      const next = this.#walk(child);
      if (next !== child) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = next;
      }
    }
    return copy ?? value;
  }
}
