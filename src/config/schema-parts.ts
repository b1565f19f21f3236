import { z } from "zod";

/** Schema pieces shared by config's own sections and the sections kinds own (same messages everywhere). */
export const positiveInt = (what = "a positive integer") =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .positive({ error: `must be ${what}` });

/** An integer (any sign). */
export const integer = z.number({ error: "must be an integer" }).int({ error: "must be an integer" });
/** Any string. */
export const text = z.string({ error: "must be a string" });
/** A string that is not blank once trimmed. */
export const nonBlank = text.trim().min(1, { error: "must not be blank" });
/** A list of strings. */
export const textList = z.array(text, { error: "must be a list of strings" });
/** A map with string keys and values of any type. */
export const map = z.record(z.string(), z.unknown(), { error: "must be a map" });
/** A list of environment variable names, default empty. */
export const envNames = z
  .array(text.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), {
    error: "must be a list of environment variable names",
  })
  .default([]);
