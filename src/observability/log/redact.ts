/** Replacement written where a secret was. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not redacted: replacing one- or two-letter strings would shred every line. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of known secret values in strings; the set can change on reload. */
export class Redactor {
  #secrets: string[] = [];

  /** Replaces the set of secret values (longest first, so overlapping secrets redact fully). */
  setSecrets(values: readonly string[]): void {
    this.#secrets = [...new Set(values)]
      .filter((value) => value.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  /** The string with every secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
}
