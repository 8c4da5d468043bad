import { createPublicKey, verify } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  checkWebhookSecret,
  generateSigningKeyPair,
  generateWebhookSecret,
  publicKeyOf,
  signPayloadAsymmetric,
  webhookSignature,
} from "../../src/domain/signing.js";

const body = JSON.stringify({ id: "evt_1", type: "call.ended", event: "call.ended", data: { naïve: "é ✓" } });
const ts = 1_795_434_444;

/** How a receiver verifies `v1a`: node:crypto with the raw 32-byte key after `whpk_`. */
function verifiesV1a(publicKey: string, msgId: string, timestamp: number, payload: string, header: string) {
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey.slice(5), "base64").toString("base64url") },
    format: "jwk",
  });
  const content = Buffer.from(`${msgId}.${timestamp}.${payload}`, "utf8");
  return header
    .split(" ")
    .filter((part) => part.startsWith("v1a,"))
    .some((part) => verify(null, content, key, Buffer.from(part.slice(4), "base64")));
}

describe("generateSigningKeyPair", () => {
  it("gives whsk_ and whpk_ keys of 32 bytes each, the public key derivable from the private", () => {
    const pair = generateSigningKeyPair();
    expect(pair.privateKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(pair.publicKey.slice(5), "base64")).toHaveLength(32);
    expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
  });

  it("gives a different pair each time", () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateSigningKeyPair().privateKey));
    expect(keys.size).toBe(50);
  });
});

describe("signPayloadAsymmetric", () => {
  it("signs id.timestamp.body so that node:crypto verifies it with the public key alone", () => {
    const pair = generateSigningKeyPair();
    const header = signPayloadAsymmetric([pair.privateKey], "evt_abc", ts, body);
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesV1a(pair.publicKey, "evt_abc", ts, body, header)).toBe(true);
  });

  it("fails verification for another body, id, timestamp or key", () => {
    const pair = generateSigningKeyPair();
    const header = signPayloadAsymmetric([pair.privateKey], "evt_abc", ts, body);
    expect(verifiesV1a(pair.publicKey, "evt_abc", ts, `${body} `, header)).toBe(false);
    expect(verifiesV1a(pair.publicKey, "evt_abd", ts, body, header)).toBe(false);
    expect(verifiesV1a(pair.publicKey, "evt_abc", ts + 1, body, header)).toBe(false);
    expect(verifiesV1a(generateSigningKeyPair().publicKey, "evt_abc", ts, body, header)).toBe(false);
  });

  it("signs a Buffer body like the same string", () => {
    const pair = generateSigningKeyPair();
    // ed25519 signatures are deterministic, so equal input gives the same signature.
    expect(signPayloadAsymmetric([pair.privateKey], "e", ts, Buffer.from(body))).toBe(
      signPayloadAsymmetric([pair.privateKey], "e", ts, body),
    );
  });

  it("refuses no keys, a non-integer timestamp and a malformed key", () => {
    const pair = generateSigningKeyPair();
    expect(() => signPayloadAsymmetric([], "e", ts, body)).toThrow();
    expect(() => signPayloadAsymmetric([pair.privateKey], "e", 1.5, body)).toThrow(RangeError);
    expect(() => signPayloadAsymmetric(["whsk_AAAA"], "e", ts, body)).toThrow();
    expect(() => signPayloadAsymmetric([generateWebhookSecret()], "e", ts, body)).toThrow();
  });
});

describe("webhookSignature", () => {
  const secret = generateWebhookSecret();
  const pair = generateSigningKeyPair();
  const headers = (signature: string) => ({
    "webhook-id": "evt_1",
    "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
    "webhook-signature": signature,
  });

  it("v1: HMAC only, verified by the standardwebhooks library", () => {
    const now = Math.floor(Date.now() / 1000);
    const header = webhookSignature(
      { scheme: "v1", secrets: [secret], signingKeys: [pair.privateKey] },
      "evt_1",
      now,
      body,
    );
    expect(header).toMatch(/^v1,\S+$/);
    expect(new Webhook(secret).verify(body, headers(header))).toEqual(JSON.parse(body));
  });

  it("v1a: the ed25519 signature only", () => {
    const header = webhookSignature(
      { scheme: "v1a", secrets: [secret], signingKeys: [pair.privateKey] },
      "evt_1",
      ts,
      body,
    );
    expect(header).toMatch(/^v1a,\S+$/);
    expect(verifiesV1a(pair.publicKey, "evt_1", ts, body, header)).toBe(true);
  });

  it("both: v1 then v1a, each verifiable by its own receiver", () => {
    const now = Math.floor(Date.now() / 1000);
    const header = webhookSignature(
      { scheme: "both", secrets: [secret, generateWebhookSecret()], signingKeys: [pair.privateKey] },
      "evt_1",
      now,
      body,
    );
    const parts = header.split(" ");
    expect(parts.map((p) => p.split(",")[0])).toEqual(["v1", "v1", "v1a"]);
    expect(new Webhook(secret).verify(body, headers(header))).toEqual(JSON.parse(body));
    expect(verifiesV1a(pair.publicKey, "evt_1", now, body, header)).toBe(true);
  });

  it("during a key rotation: one v1a signature per key, each verifiable with its own public key", () => {
    const next = generateSigningKeyPair();
    const header = webhookSignature(
      { scheme: "v1a", secrets: [secret], signingKeys: [next.privateKey, pair.privateKey] },
      "evt_1",
      ts,
      body,
    );
    expect(header.split(" ").map((p) => p.split(",")[0])).toEqual(["v1a", "v1a"]);
    expect(verifiesV1a(next.publicKey, "evt_1", ts, body, header)).toBe(true);
    expect(verifiesV1a(pair.publicKey, "evt_1", ts, body, header)).toBe(true);
  });

  it("refuses v1a without a signing key", () => {
    expect(() =>
      webhookSignature({ scheme: "v1a", secrets: [secret], signingKeys: [] }, "e", ts, body),
    ).toThrow();
  });
});

describe("checkWebhookSecret", () => {
  const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString("base64")}`;

  it("accepts whsec_ + base64 of 24 to 64 bytes, our own secrets included", () => {
    expect(checkWebhookSecret(of(24))).toBeNull();
    expect(checkWebhookSecret(of(32))).toBeNull();
    expect(checkWebhookSecret(of(64))).toBeNull();
    expect(checkWebhookSecret(generateWebhookSecret())).toBeNull();
  });

  it("refuses a missing prefix, bad base64 and sizes out of range", () => {
    expect(checkWebhookSecret(of(32).slice(6))).toMatch(/whsec_/);
    expect(checkWebhookSecret("whsk_AAAA")).toMatch(/whsec_/);
    expect(checkWebhookSecret(of(23))).toMatch(/24 to 64 bytes/);
    expect(checkWebhookSecret(of(65))).toMatch(/24 to 64 bytes/);
    expect(checkWebhookSecret("whsec_")).toMatch(/24 to 64 bytes/);
    expect(checkWebhookSecret(`whsec_${"A".repeat(31)}`)).toMatch(/base64/);
    expect(checkWebhookSecret(`whsec_${Buffer.alloc(32).toString("base64url")}-_`)).toMatch(/base64/);
    expect(checkWebhookSecret(`whsec_${Buffer.alloc(32, 1).toString("base64")} `)).toMatch(/base64/);
  });
});
