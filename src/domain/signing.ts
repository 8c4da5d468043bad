/**
 * Signing: Standard Webhooks signatures — symmetric `v1` (HMAC-SHA256) and asymmetric `v1a`
 * (ed25519) — and an optional GitHub-style signature. Pure apart from node:crypto.
 */
import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign as signWith,
} from "node:crypto";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
/** Bring-your-own secrets: as short as 24 bytes (Svix issues 24) and as long as 64. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** Standard Webhooks' prefixes for an asymmetric secret (private) key and its public key. */
const PRIVATE_KEY_PREFIX = "whsk_";
const PUBLIC_KEY_PREFIX = "whpk_";
const ED25519_KEY_BYTES = 32;

/** Which signatures `webhook-signature` carries: HMAC (`v1`), ed25519 (`v1a`) or both. */
export type SigningScheme = "v1" | "v1a" | "both";
export const SIGNING_SCHEMES: readonly SigningScheme[] = ["v1", "v1a", "both"];

/** Does this scheme sign with the ed25519 key? */
export const usesSigningKey = (scheme: SigningScheme): boolean => scheme !== "v1";

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Why a secret someone brings (from another provider) cannot sign, or null when it can: it must
 * be `whsec_` + standard base64 of 24 to 64 random bytes — what Standard Webhooks libraries accept.
 */
export function checkWebhookSecret(secret: string): string | null {
  if (!secret.startsWith(SECRET_PREFIX)) return `must start with "${SECRET_PREFIX}"`;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    return `must be "${SECRET_PREFIX}" followed by standard base64 (A-Z, a-z, 0-9, +, /, = padding)`;
  }
  const bytes = Buffer.from(encoded, "base64").length;
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    return `must encode ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, this one encodes ${bytes}`;
  }
  return null;
}

/** A webhook's ed25519 key pair in Standard Webhooks form: `whsk_` + base64 seed, `whpk_` + base64 key. */
export interface SigningKeyPair {
  privateKey: string;
  publicKey: string;
}

/** A new ed25519 key pair for `v1a` signatures. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.d === undefined || jwk.x === undefined) throw new Error("ed25519 key export lost its parts");
  return {
    privateKey: PRIVATE_KEY_PREFIX + Buffer.from(jwk.d, "base64url").toString("base64"),
    publicKey: PUBLIC_KEY_PREFIX + Buffer.from(jwk.x, "base64url").toString("base64"),
  };
}

/** DER of PKCS#8 for an ed25519 seed, up to the seed itself (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const PRIVATE_KEY_CACHE_LIMIT = 512;
const privateKeyCache = new Map<string, KeyObject>();

/** The KeyObject of a `whsk_` key (its 32-byte seed), built once per key (oldest evicted first). */
function signingKeyObject(privateKey: string): KeyObject {
  const cached = privateKeyCache.get(privateKey);
  if (cached !== undefined) return cached;
  if (!privateKey.startsWith(PRIVATE_KEY_PREFIX))
    throw new Error(`signing key must start with ${PRIVATE_KEY_PREFIX}`);
  const seed = Buffer.from(privateKey.slice(PRIVATE_KEY_PREFIX.length), "base64");
  if (seed.length !== ED25519_KEY_BYTES) throw new Error("signing key must be a 32-byte ed25519 seed");
  // Building a KeyObject parses DER: done once per key, not once per signature.
  const bare = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  if (privateKeyCache.size >= PRIVATE_KEY_CACHE_LIMIT) {
    const oldest = privateKeyCache.keys().next();
    if (oldest.done !== true) privateKeyCache.delete(oldest.value);
  }
  privateKeyCache.set(privateKey, bare);
  return bare;
}

/** The `whpk_` public key of a `whsk_` private key: what receivers verify `v1a` signatures with. */
export function publicKeyOf(privateKey: string): string {
  const jwk = signingKeyObject(privateKey).export({ format: "jwk" });
  if (jwk.x === undefined) throw new Error("ed25519 key export lost its public part");
  return PUBLIC_KEY_PREFIX + Buffer.from(jwk.x, "base64url").toString("base64");
}

/**
 * `v1a,<base64 ed25519 signature>` of `${msgId}.${timestampSeconds}.${body}` per private key,
 * space-separated — the Standard Webhooks asymmetric signature.
 */
export function signPayloadAsymmetric(
  privateKeys: string[],
  msgId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  if (privateKeys.length === 0) throw new Error("at least one signing key is required");
  if (!Number.isSafeInteger(timestampSeconds)) {
    throw new RangeError(`timestamp must be integer unix seconds, got ${timestampSeconds}`);
  }
  // ed25519 signs the whole message at once (no streaming API), so here the content is joined.
  const content = Buffer.concat([
    Buffer.from(`${msgId}.${timestampSeconds}.`, "utf8"),
    typeof body === "string" ? Buffer.from(body, "utf8") : body,
  ]);
  return privateKeys
    .map((key) => `v1a,${signWith(null, content, signingKeyObject(key)).toString("base64")}`)
    .join(" ");
}

/** What signs one webhook's messages. */
export interface WebhookSigner {
  scheme: SigningScheme;
  /** HMAC secrets (`whsec_…`): the current one, plus the previous during a rotation's grace. */
  secrets: string[];
  /**
   * ed25519 private keys (`whsk_…`): the current one, plus the previous during a key rotation's
   * grace. At least one is required when the scheme is `v1a` or `both`.
   */
  signingKeys: string[];
}

/**
 * The whole `webhook-signature` header for a scheme: `v1` signatures, `v1a` signatures, or both
 * (v1 first), space-separated. Receivers verify whichever they hold a key for.
 */
export function webhookSignature(
  signer: WebhookSigner,
  msgId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const parts: string[] = [];
  if (signer.scheme !== "v1a") parts.push(signPayload(signer.secrets, msgId, timestampSeconds, body));
  if (usesSigningKey(signer.scheme)) {
    if (signer.signingKeys.length === 0)
      throw new Error(`signing scheme ${signer.scheme} needs a signing key`);
    parts.push(signPayloadAsymmetric(signer.signingKeys, msgId, timestampSeconds, body));
  }
  return parts.join(" ");
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
