/**
 * Signing: Standard Webhooks signatures and an optional GitHub-style signature.
 * Pure apart from node:crypto.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

// ---------------------------------------------------------------------------------------------
// Key cache: decoding base64 on every send is wasted work, so each secret's key bytes are decoded
// once. Bounded (oldest entry evicted first) so rotated-away secrets do not accumulate forever.

const KEY_CACHE_LIMIT = 512;
const keyCache = new Map<string, Buffer>();

/** The HMAC key of a secret: the base64-decoded bytes after `whsec_` (the prefix is optional). */
function secretKey(secret: string): Buffer {
  const cached = keyCache.get(secret);
  if (cached !== undefined) return cached;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new Error("signing secret is empty");
  if (keyCache.size >= KEY_CACHE_LIMIT) {
    const oldest = keyCache.keys().next();
    if (oldest.done !== true) keyCache.delete(oldest.value);
  }
  keyCache.set(secret, key);
  return key;
}

/**
 * The `webhook-signature` header value for one message: `v1,<base64 HMAC-SHA256>` per secret,
 * space-separated (several secrets during a rotation's grace period). The signed content is
 * `${msgId}.${timestampSeconds}.${body}`, fed to the HMAC piecewise (no concatenation copy).
 */
export function signPayload(
  secrets: string[],
  msgId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  if (secrets.length === 0) throw new Error("at least one signing secret is required");
  if (!Number.isSafeInteger(timestampSeconds)) {
    throw new RangeError(`timestamp must be integer unix seconds, got ${timestampSeconds}`);
  }
  const prefix = `${msgId}.${timestampSeconds}.`;
  let header = "";
  for (const secret of secrets) {
    const hmac = createHmac("sha256", secretKey(secret));
    hmac.update(prefix, "utf8");
    if (typeof body === "string") hmac.update(body, "utf8");
    else hmac.update(body);
    const signature = `v1,${hmac.digest("base64")}`;
    header = header === "" ? signature : `${header} ${signature}`;
  }
  return header;
}

/** GitHub-style `sha256=<hex HMAC-SHA256 of the body>` keyed by the secret's decoded bytes. */
export function githubSignature(secret: string, body: string | Buffer): string {
  const hmac = createHmac("sha256", secretKey(secret));
  if (typeof body === "string") hmac.update(body, "utf8");
  else hmac.update(body);
  return `sha256=${hmac.digest("hex")}`;
}
