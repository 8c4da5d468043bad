import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, githubSignature, signPayload } from "../../src/domain/signing.js";

const nowSeconds = () => Math.floor(Date.now() / 1000);

function headers(id: string, timestamp: number, signature: string): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

describe("generateWebhookSecret", () => {
  it("returns whsec_ followed by base64 of 32 random bytes", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
  });

  it("returns a different secret each time", () => {
    const secrets = new Set(Array.from({ length: 100 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(100);
  });
});

describe("signPayload", () => {
  const body = JSON.stringify({ id: "evt_1", event: "call.ended", data: { naïve: "é ✓" } });

  it("produces a signature the standardwebhooks library verifies", () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const signature = signPayload([secret], "evt_abc", ts, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers("evt_abc", ts, signature))).toEqual(JSON.parse(body));
  });

  it("matches the standardwebhooks library's own signature", () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    expect(signPayload([secret], "evt_x", ts, body)).toBe(
      new Webhook(secret).sign("evt_x", new Date(ts * 1000), body),
    );
  });

  it("signs a Buffer body identically to the same string", () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const fromBuffer = signPayload([secret], "evt_b", ts, Buffer.from(body, "utf8"));
    expect(fromBuffer).toBe(signPayload([secret], "evt_b", ts, body));
    expect(() =>
      new Webhook(secret).verify(Buffer.from(body), headers("evt_b", ts, fromBuffer)),
    ).not.toThrow();
  });

  it("emits one space-separated signature per secret, each verifying with its own secret", () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const ts = nowSeconds();
    const signature = signPayload([newSecret, oldSecret], "evt_rot", ts, body);
    const parts = signature.split(" ");
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.startsWith("v1,"))).toBe(true);
    expect(() => new Webhook(oldSecret).verify(body, headers("evt_rot", ts, signature))).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers("evt_rot", ts, signature))).not.toThrow();
    expect(() =>
      new Webhook(generateWebhookSecret()).verify(body, headers("evt_rot", ts, signature)),
    ).toThrow();
  });

  it("fails verification when the body, id or timestamp differ", () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const signature = signPayload([secret], "evt_t", ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(`${body} `, headers("evt_t", ts, signature))).toThrow();
    expect(() => wh.verify(body, headers("evt_u", ts, signature))).toThrow();
    expect(() => wh.verify(body, headers("evt_t", ts + 1, signature))).toThrow();
  });

  it("follows the raw HMAC recipe: base64 HMAC-SHA256 of id.timestamp.body keyed by the decoded secret", () => {
    const key = Buffer.alloc(32, 7);
    const secret = `whsec_${key.toString("base64")}`;
    const expected = createHmac("sha256", key).update(`msg_1.1700000000.${body}`).digest("base64");
    expect(signPayload([secret], "msg_1", 1_700_000_000, body)).toBe(`v1,${expected}`);
  });

  it("gives the same answer on repeated calls (cached keys)", () => {
    const secret = generateWebhookSecret();
    const first = signPayload([secret], "evt_c", 1_700_000_000, body);
    for (let i = 0; i < 5; i++) expect(signPayload([secret], "evt_c", 1_700_000_000, body)).toBe(first);
  });

  it("stays correct when more secrets are used than the key cache holds", () => {
    const secrets = Array.from({ length: 600 }, () => generateWebhookSecret());
    const ts = nowSeconds();
    for (const secret of [...secrets, secrets[0]!]) {
      const signature = signPayload([secret], "evt_many", ts, "{}");
      expect(() => new Webhook(secret).verify("{}", headers("evt_many", ts, signature))).not.toThrow();
    }
  });

  it("rejects an empty secret list, an empty key and a fractional timestamp", () => {
    expect(() => signPayload([], "evt", 1, body)).toThrow(/secret/);
    expect(() => signPayload(["whsec_"], "evt", 1, body)).toThrow(/empty/);
    expect(() => signPayload([generateWebhookSecret()], "evt", 1.5, body)).toThrow(RangeError);
  });
});

describe("githubSignature", () => {
  it("is sha256= plus the hex HMAC of the body keyed by the decoded secret", () => {
    const key = Buffer.alloc(32, 3);
    const secret = `whsec_${key.toString("base64")}`;
    const expected = createHmac("sha256", key).update("hello").digest("hex");
    expect(githubSignature(secret, "hello")).toBe(`sha256=${expected}`);
    expect(githubSignature(secret, Buffer.from("hello"))).toBe(`sha256=${expected}`);
  });
});
