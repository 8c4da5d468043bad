/**
 * Redaction of secrets for attempt logs and API answers. A redacted value keeps a hint (the auth
 * scheme, a cookie's name, a signature's version, at most the first 4 characters of a credential
 * of 12 or more characters) and never more.
 */

/** Header names whose values are always redacted (lower case). */
export const SECRET_HEADER_NAMES: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "x-public-api-key",
  "x-api-key",
  "api-key",
  "apikey",
  "x-auth-token",
  "x-access-token",
  "cookie",
  "set-cookie",
  "webhook-signature",
  "x-hub-signature",
  "x-hub-signature-256",
];

/**
 * Any header whose name looks like it carries a credential (`x-api-token`, `x-secret-key`,
 * `x-auth-user`, `x-signature`, …) is treated as secret too: a custom header is as likely to
 * hold a token as the well-known ones.
 */
const CREDENTIAL_NAME = /token|key|secret|passw|auth|signature|cookie/i;

/** Whether a header's value is shown redacted. */
export function isSecretHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADER_NAMES.includes(lower) || CREDENTIAL_NAME.test(lower);
}

const REDACTED = "(redacted)";
/** Shortest credential of which a 4-character prefix may be shown. */
const MIN_HINT_LENGTH = 12;
const HINT_CHARS = 4;

/** `abcd…(redacted)` for a credential of 12+ characters, `(redacted)` for a shorter one. */
function hint(credential: string): string {
  const chars = Array.from(credential);
  if (chars.length < MIN_HINT_LENGTH) return REDACTED;
  return `${chars.slice(0, HINT_CHARS).join("")}…${REDACTED}`;
}

/** Authorization schemes that are safe to show (anything else is treated as part of the secret). */
const AUTH_SCHEMES = new Set([
  "basic",
  "bearer",
  "token",
  "digest",
  "apikey",
  "api-key",
  "key",
  "negotiate",
  "ntlm",
  "hmac",
  "hawk",
  "dpop",
  "oauth",
  "jwt",
  "aws4-hmac-sha256",
  "sharedaccesssignature",
  "sso-key",
  "splunk",
]);

function redactAuthorization(value: string): string {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  if (space > 0) {
    const scheme = trimmed.slice(0, space);
    if (AUTH_SCHEMES.has(scheme.toLowerCase())) return `${scheme} ${hint(trimmed.slice(space).trim())}`;
  }
  return hint(trimmed);
}

/** A signature's version or algorithm label: `v1`, `v1a`, `sha256`, `sha-256`, `hmac-sha256`. */
const SIGNATURE_SCHEME = /^(v\d{1,3}[a-z]?|sha-?\d{1,3}|hmac-sha\d{1,3}|md5)([,=])./i;

/** `v1,abc… v1a,def…` → `v1,… v1a,…`; GitHub style `sha256=…` keeps its algorithm. */
function redactSignature(value: string): string {
  return value
    .trim()
    .split(/\s+/)
    .map((part) => {
      const match = SIGNATURE_SCHEME.exec(part);
      return match ? `${match[1]}${match[2]}…` : REDACTED;
    })
    .join(" ");
}

/** Cookie attributes that are not secret (`Set-Cookie`). */
const COOKIE_ATTRIBUTES = new Set(["path", "domain", "expires", "max-age", "samesite", "priority"]);
const COOKIE_FLAGS = new Set(["secure", "httponly", "partitioned"]);
/** The tail of an `Expires` date cut at its comma, e.g. `21 Oct 2015 07:28:00 GMT`. */
const DATE_TAIL = /^\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;

/** Keeps cookie names, attributes and flags; redacts every cookie value. */
function redactCookies(value: string): string {
  return value
    .split(/([;,\n]\s*)/)
    .map((segment, i) => {
      if (i % 2 === 1 || segment === "") return segment; // separator
      const eq = segment.indexOf("=");
      if (eq < 0) {
        const word = segment.trim();
        return COOKIE_FLAGS.has(word.toLowerCase()) || DATE_TAIL.test(word) ? segment : hint(segment);
      }
      const name = segment.slice(0, eq);
      if (COOKIE_ATTRIBUTES.has(name.trim().toLowerCase())) return segment;
      return `${name}=${hint(segment.slice(eq + 1))}`;
    })
    .join("");
}

function redactValue(lowerName: string, value: string): string {
  if (value === "") return value;
  if (lowerName === "authorization" || lowerName === "proxy-authorization") return redactAuthorization(value);
  if (lowerName === "cookie" || lowerName === "set-cookie") return redactCookies(value);
  if (lowerName.includes("signature")) return redactSignature(value);
  return hint(value.trim());
}

/**
 * A copy of `headers` with secret values redacted: the names in {@link SECRET_HEADER_NAMES}, any
 * name that looks like a credential's, and any in `extraSecretNames` (case-insensitive; e.g. a webhook's custom API-key header). Names keep
 * their original case.
 */
export function redactHeaders(
  headers: Record<string, string>,
  extraSecretNames?: string[],
): Record<string, string> {
  const extra = extraSecretNames?.length ? new Set(extraSecretNames.map((n) => n.toLowerCase())) : undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const secret = isSecretHeaderName(lower) || extra?.has(lower) === true;
    out[name] = secret && typeof value === "string" ? redactValue(lower, value) : value;
  }
  return out;
}

/** Well-known secret prefixes shown by {@link maskSecret} (longest first). */
const SECRET_PREFIXES: readonly string[] = ["sk_live_", "sk_test_", "whsec_", "key_", "sk_", "pk_", "rk_"];

/**
 * A secret masked for API answers: a well-known prefix (`whsec_`, `sk_`, …) and the first 4 characters of the
 * rest, then `…`, when the secret is 12+ characters past its prefix; `••••` otherwise.
 */
export function maskSecret(value: string): string {
  const prefix = SECRET_PREFIXES.find((p) => value.startsWith(p)) ?? "";
  const rest = Array.from(value.slice(prefix.length));
  if (rest.length < MIN_HINT_LENGTH) return "••••";
  return `${prefix}${rest.slice(0, HINT_CHARS).join("")}…`;
}
