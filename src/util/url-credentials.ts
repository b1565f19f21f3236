// `scheme://userinfo@` — the userinfo part of a URL, where credentials hide (`https://user:token@host`)
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

/** `http://user:token@host/x` → `http://[REDACTED]@host/x`; every URL in the text, nothing else changed. */
export function maskUrlCredentials(text: string): string {
  return text.includes("://") ? text.replace(URL_USERINFO, "$1[REDACTED]@") : text;
}

/** The secret parts of URL credentials in `text` (passwords, or a lone user name standing for a token). */
export function urlCredentials(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_USERINFO)) {
    const userinfo = match[2] ?? "";
    const colon = userinfo.indexOf(":");
    const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    for (const form of [secret, safeDecode(secret)]) if (form !== "") found.push(form);
  }
  return [...new Set(found)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
