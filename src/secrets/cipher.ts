import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for secrets at rest (signing secrets, auth credentials, app keys).
 * Stored form: `enc:v1:<base64(iv ‖ tag ‖ ciphertext)>` — the version prefix lets a later key
 * scheme coexist with this one during a migration.
 */
const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("the master key must be 32 bytes");
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  /**
   * A 32-byte key for one purpose (signing OAuth `state`, …), derived with HKDF-SHA256: a key that
   * signs things never doubles as the key that encrypts secrets.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, Buffer.alloc(0), `switchboard:${purpose}`, 32));
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new Error("value is not an encrypted secret");
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  }
}

/** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
export function parseMasterKey(raw: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  const decoded = Buffer.from(text, "base64");
  if (decoded.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(text)) return decoded;
  throw new Error("expected 32 bytes as base64 or hex (generate one with: openssl rand -base64 32)");
}

export function generateMasterKey(): string {
  return randomBytes(32).toString("base64");
}
