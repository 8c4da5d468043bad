import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateMasterKey, parseMasterKey, SecretCipher } from "../../src/secrets/cipher.js";

const cipher = () => new SecretCipher(randomBytes(32));

describe("SecretCipher", () => {
  it("decrypts what it encrypted", () => {
    const c = cipher();
    for (const plain of ["whsec_abc", "", "pässwörd ✓", "x".repeat(10_000)]) {
      expect(c.decrypt(c.encrypt(plain))).toBe(plain);
    }
  });

  it("stores a versioned value that does not contain the plain text", () => {
    const stored = cipher().encrypt("super-secret-token");
    expect(stored.startsWith("enc:v1:")).toBe(true);
    expect(stored).not.toContain("super-secret-token");
  });

  it("encrypts the same value differently each time", () => {
    const c = cipher();
    expect(c.encrypt("same")).not.toBe(c.encrypt("same"));
  });

  it("throws when the stored value was tampered with", () => {
    const c = cipher();
    const stored = c.encrypt("a signing secret");
    const raw = Buffer.from(stored.slice("enc:v1:".length), "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01;
    expect(() => c.decrypt(`enc:v1:${raw.toString("base64")}`)).toThrow();
  });

  it("throws when the value was encrypted with another key", () => {
    const stored = cipher().encrypt("a signing secret");
    expect(() => cipher().decrypt(stored)).toThrow();
  });

  it("throws for a value that is not an encrypted secret", () => {
    expect(() => cipher().decrypt("whsec_plain")).toThrow(/not an encrypted secret/);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => new SecretCipher(randomBytes(16))).toThrow();
  });
});

describe("parseMasterKey", () => {
  it("accepts 32 bytes as hex", () => {
    const bytes = randomBytes(32);
    expect(parseMasterKey(bytes.toString("hex")).equals(bytes)).toBe(true);
  });

  it("accepts 32 bytes as base64, with surrounding whitespace", () => {
    const bytes = randomBytes(32);
    expect(parseMasterKey(` ${bytes.toString("base64")}\n`).equals(bytes)).toBe(true);
  });

  it("accepts what generateMasterKey makes", () => {
    expect(parseMasterKey(generateMasterKey())).toHaveLength(32);
  });

  it("refuses garbage, short keys and long keys", () => {
    expect(() => parseMasterKey("not a key!")).toThrow(/32 bytes/);
    expect(() => parseMasterKey(randomBytes(16).toString("base64"))).toThrow();
    expect(() => parseMasterKey(randomBytes(33).toString("hex"))).toThrow();
    expect(() => parseMasterKey("")).toThrow();
  });
});
