import { createHmac, timingSafeEqual } from "node:crypto";
import { CrmError, type CrmObject } from "../connector.js";

/**
 * Clio Manage webhooks (docs.developers.clio.com/guides/clio-manage/webhooks): one webhook per
 * model, created with `POST /webhooks.json` and expiring at most 31 days later, so the engine's
 * renewal job re-creates or extends it before `expires_at`. Clio proves the URL with a handshake:
 * its first POST carries `X-Hook-Secret` and no payload, and the URL answers 200 with the same
 * `X-Hook-Secret` header (the engine's hook route echoes {@link handshakeSecret}). Every later POST
 * carries `X-Hook-Signature`: the hex HMAC-SHA256 of the raw body keyed by that secret (Clio also
 * returns it as the webhook's `shared_secret`). Pure helpers; nothing here sends.
 */

export const WEBHOOK_MAX_LIFETIME_MS = 31 * 86_400_000;
/** Renew this long before expiry: a missed renewal day still leaves a margin. */
export const WEBHOOK_RENEW_BEFORE_MS = 3 * 86_400_000;

export const WEBHOOK_MODELS: Record<CrmObject, "matter" | "contact"> = { case: "matter", client: "contact" };
/**
 * The fields each webhook asks for: enough to know the record (the id) and, for the matter, a field
 * only a matter has, so a notification says its model without a lookup.
 */
export const WEBHOOK_FIELDS: Record<"matter" | "contact", string> = {
  matter: "id,etag,display_number,updated_at",
  contact: "id,etag,type,updated_at",
};

/** The body of `POST /webhooks.json` (or `PATCH /webhooks/{id}.json` to extend it). */
export function webhookBody(options: {
  url: string;
  object: CrmObject;
  now: number;
  /** Asked lifetime; capped at Clio's 31 days. */
  lifetimeMs?: number;
}): { data: { url: string; model: string; events: string[]; fields: string; expires_at: string } } {
  const model = WEBHOOK_MODELS[options.object];
  const lifetime = Math.min(options.lifetimeMs ?? WEBHOOK_MAX_LIFETIME_MS, WEBHOOK_MAX_LIFETIME_MS);
  return {
    data: {
      url: options.url,
      model,
      events: ["created", "updated", "deleted"],
      fields: WEBHOOK_FIELDS[model],
      // Clio refuses an expiry past 31 days: stay a minute inside it against clock skew.
      expires_at: new Date(options.now + lifetime - 60_000).toISOString(),
    },
  };
}

/** Whether a webhook expiring at `expiresAt` is due for renewal. */
export function webhookNeedsRenewal(expiresAt: string | null, now: number): boolean {
  const at = Date.parse(expiresAt ?? "");
  return Number.isNaN(at) || at - WEBHOOK_RENEW_BEFORE_MS <= now;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The activation handshake's secret, to echo back as `X-Hook-Secret`; null for a notification. */
export function handshakeSecret(headers: Record<string, string>): string | null {
  return header(headers, "x-hook-secret")?.trim() || null;
}

/** The hex HMAC-SHA256 Clio sends as `X-Hook-Signature`. */
export function signNotification(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function verifySignature(secret: string, body: Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signNotification(secret, body), "hex");
  const given = Buffer.from(signature.trim().toLowerCase(), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A verified notification → the record it is about; null for the handshake (nothing changed).
 * Throws `auth` for a missing or wrong signature, `validation` for a body without a record.
 */
export function readClioNotification(
  secret: string | undefined,
  headers: Record<string, string>,
  body: Buffer,
): { object: CrmObject; id: string } | null {
  if (handshakeSecret(headers)) return null;
  if (!secret) throw new CrmError("auth", "the Clio connection has no webhook secret to verify with");
  if (!verifySignature(secret, body, header(headers, "x-hook-signature"))) {
    throw new CrmError("auth", "the Clio notification's X-Hook-Signature does not verify");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new CrmError("validation", "the Clio notification is not JSON");
  }
  const data = (parsed as { data?: Record<string, unknown> } | null)?.data;
  const id = data?.id;
  if (!data || (typeof id !== "number" && typeof id !== "string") || String(id) === "") {
    throw new CrmError("validation", "the Clio notification names no record");
  }
  return { object: "display_number" in data ? "case" : "client", id: String(id) };
}
