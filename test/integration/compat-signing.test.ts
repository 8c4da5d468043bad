import { createPublicKey, randomBytes, verify as verifySignature } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ReceivedRequest, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const CALL_DATA = { call_id: "call_v1a_1", direction: "inbound", duration: 42 };

/** A receiver's v1a check: node:crypto ed25519 verify with the raw key after `whpk_`. */
function verifiesV1a(publicKey: string, request: ReceivedRequest): boolean {
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey.slice(5), "base64").toString("base64url") },
    format: "jwk",
  });
  const signed = Buffer.from(
    `${request.headers["webhook-id"]}.${request.headers["webhook-timestamp"]}.${request.body}`,
    "utf8",
  );
  const header = String(request.headers["webhook-signature"]);
  return header
    .split(" ")
    .filter((part) => part.startsWith("v1a,"))
    .some((part) => verifySignature(null, signed, key, Buffer.from(part.slice(4), "base64")));
}

function verifiesV1(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

const schemesOf = (request: ReceivedRequest) =>
  String(request.headers["webhook-signature"])
    .split(" ")
    .map((part) => part.split(",")[0]);

describe.each(storeKinds())("Standard Webhooks in full on %s", (kind) => {
  let sb: TestServer;
  let key: string;
  let receiver: Receiver;

  beforeAll(async () => {
    sb = await startTestServer(kind);
  });
  beforeEach(async () => {
    ({ key } = await sb.tenant());
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  async function createWebhook(body: Record<string, unknown> = {}) {
    const created = await sb.call("POST", "/v1/webhooks", {
      key,
      body: { url: `${receiver.url}/hook`, events: ["call.*"], ...body },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; secret: string; signing: { scheme: string } };
  }

  async function deliverOne(): Promise<ReceivedRequest> {
    const before = receiver.requests.length;
    const sent = await sb.call("POST", "/v1/events", { key, body: { type: "call_ended", data: CALL_DATA } });
    expect(sent.status).toBe(202);
    await receiver.waitFor(before + 1);
    return receiver.requests[before] as ReceivedRequest;
  }

  async function publicKey(id: string): Promise<string> {
    const res = await sb.call("GET", `/v1/webhooks/${id}/signing-key`, { key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    return res.body.public_key;
  }

  it("puts the Standard Webhooks `type` beside `event` in the envelope", async () => {
    const webhook = await createWebhook();
    const request = await deliverOne();
    const body = JSON.parse(request.body);
    expect(body.type).toBe("call.ended");
    expect(body.event).toBe("call.ended");
    expect(verifiesV1(webhook.secret, request)).toBe(true);
  });

  it("signs v1 only by default; the public key is there before switching", async () => {
    const webhook = await createWebhook();
    expect(webhook.signing).toEqual({ scheme: "v1" });
    const signingKey = await sb.call("GET", `/v1/webhooks/${webhook.id}/signing-key`, { key });
    expect(signingKey.body).toMatchObject({ scheme: "v1", previous_public_key: null });
    const request = await deliverOne();
    expect(schemesOf(request)).toEqual(["v1"]);
  });

  it("v1a: an ed25519 signature that verifies with the public key alone", async () => {
    const webhook = await createWebhook({ signing: { scheme: "v1a" } });
    expect(webhook.signing).toEqual({ scheme: "v1a" });
    const pk = await publicKey(webhook.id);
    const request = await deliverOne();
    expect(schemesOf(request)).toEqual(["v1a"]);
    expect(verifiesV1a(pk, request)).toBe(true);
    // Tampering is detected.
    expect(verifiesV1a(pk, { ...request, body: request.body.replace("42", "43") })).toBe(false);
    // The HMAC secret does not verify a v1a-only delivery.
    expect(verifiesV1(webhook.secret, request)).toBe(false);
  });

  it("both: standardwebhooks verifies v1 and node:crypto verifies v1a on the same delivery", async () => {
    const webhook = await createWebhook({ signing: { scheme: "both" } });
    const pk = await publicKey(webhook.id);
    const request = await deliverOne();
    expect(schemesOf(request)).toEqual(["v1", "v1a"]);
    expect(verifiesV1(webhook.secret, request)).toBe(true);
    expect(verifiesV1a(pk, request)).toBe(true);
  });

  it("switching the scheme by PATCH keeps the key pair; send-test signs the same way", async () => {
    const webhook = await createWebhook();
    const pk = await publicKey(webhook.id);
    const patched = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, {
      key,
      body: { signing: { scheme: "v1a" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.signing).toEqual({ scheme: "v1a" });
    expect(await publicKey(webhook.id)).toBe(pk);
    const tested = await sb.call("POST", `/v1/webhooks/${webhook.id}/test`, {
      key,
      body: { event_type: "call_ended" },
    });
    expect(tested.status).toBe(200);
    const request = receiver.requests.at(-1) as ReceivedRequest;
    expect(JSON.parse(request.body).type).toBe("call.ended");
    expect(verifiesV1a(pk, request)).toBe(true);
    const bad = await sb.call("PATCH", `/v1/webhooks/${webhook.id}`, {
      key,
      body: { signing: { scheme: "v2" } },
    });
    expect(bad.status).toBe(422);
  });

  it("the private key never appears in any answer", async () => {
    const webhook = await createWebhook({ signing: { scheme: "v1a" } });
    await deliverOne();
    const answers = [
      await sb.call("GET", `/v1/webhooks/${webhook.id}`, { key }),
      await sb.call("GET", "/v1/webhooks", { key }),
      await sb.call("GET", `/v1/webhooks/${webhook.id}/secret`, { key }),
      await sb.call("GET", `/v1/webhooks/${webhook.id}/signing-key`, { key }),
    ];
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toMatch(/whsk_|signing_key/);
  });

  it("signing keys are per webhook and per tenant", async () => {
    const a = await createWebhook({ signing: { scheme: "v1a" } });
    const b = await createWebhook({ signing: { scheme: "v1a" } });
    expect(await publicKey(a.id)).not.toBe(await publicKey(b.id));
    const other = await sb.tenant("Other");
    const foreign = await sb.call("GET", `/v1/webhooks/${a.id}/signing-key`, { key: other.key });
    expect(foreign.status).toBe(404);
  });

  it("rotate-signing-key: a new key pair, the old key signs beside it during the grace period", async () => {
    const webhook = await createWebhook({ signing: { scheme: "v1a" } });
    const oldKey = await publicKey(webhook.id);
    const rotated = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-signing-key`, { key });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.public_key).toMatch(/^whpk_/);
    expect(rotated.body.public_key).not.toBe(oldKey);
    expect(rotated.body.previous_public_key).toBe(oldKey);
    const expires = Date.parse(rotated.body.previous_public_key_expires_at);
    expect(expires - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const read = await sb.call("GET", `/v1/webhooks/${webhook.id}/signing-key`, { key });
    expect(read.body).toEqual(rotated.body);
    const request = await deliverOne();
    expect(schemesOf(request)).toEqual(["v1a", "v1a"]);
    expect(verifiesV1a(rotated.body.public_key, request)).toBe(true);
    expect(verifiesV1a(oldKey, request)).toBe(true);
    const other = await sb.tenant("Other");
    const foreign = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-signing-key`, {
      key: other.key,
    });
    expect(foreign.status).toBe(404);
  });

  describe("bring your own secret", () => {
    const ownSecret = (bytes = 32) => `whsec_${randomBytes(bytes).toString("base64")}`;

    it("signs with a whsec_ secret given on create, verified by standardwebhooks", async () => {
      const secret = ownSecret(24);
      const webhook = await createWebhook({ secret });
      expect(webhook.secret).toBe(secret);
      const revealed = await sb.call("GET", `/v1/webhooks/${webhook.id}/secret`, { key });
      expect(revealed.body.secret).toBe(secret);
      const request = await deliverOne();
      expect(verifiesV1(secret, request)).toBe(true);
    });

    it("refuses a malformed secret with 422 at /body/secret and stores no webhook", async () => {
      for (const secret of [
        "not-a-secret",
        `whsec_${randomBytes(16).toString("base64")}`,
        `whsec_${randomBytes(65).toString("base64")}`,
        `whsec_${randomBytes(32).toString("base64url")}!`,
      ]) {
        const res = await sb.call("POST", "/v1/webhooks", {
          key,
          body: { url: `${receiver.url}/hook`, secret },
        });
        expect(res.status, secret).toBe(422);
        expect(res.body.error.details.path).toBe("/body/secret");
      }
      expect((await sb.call("GET", "/v1/webhooks", { key })).body.data).toHaveLength(0);
      const patch = await sb.call("POST", "/v1/webhooks", { key, body: { url: `${receiver.url}/hook` } });
      const viaPatch = await sb.call("PATCH", `/v1/webhooks/${patch.body.id}`, {
        key,
        body: { secret: ownSecret() },
      });
      expect(viaPatch.status).toBe(422);
    });

    it("rotates to a given secret; both secrets sign during the grace period", async () => {
      const webhook = await createWebhook();
      const secret = ownSecret(64);
      const rotated = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-secret`, {
        key,
        body: { secret },
      });
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      expect(rotated.body.secret).toBe(secret);
      const request = await deliverOne();
      expect(verifiesV1(secret, request)).toBe(true);
      expect(verifiesV1(webhook.secret, request)).toBe(true);
      const bad = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-secret`, {
        key,
        body: { secret: "whsec_short" },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.path).toBe("/body/secret");
      expect((await sb.call("GET", `/v1/webhooks/${webhook.id}/secret`, { key })).body.secret).toBe(secret);
      // Without a body it still generates one, as before.
      const generated = await sb.call("POST", `/v1/webhooks/${webhook.id}/rotate-secret`, { key });
      expect(generated.status).toBe(200);
      expect(generated.body.secret).toMatch(/^whsec_/);
      expect(generated.body.secret).not.toBe(secret);
    });
  });
});
