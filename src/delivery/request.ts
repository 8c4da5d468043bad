import { kaisaSignedBody } from "../domain/kaisa-sign.js";
import { githubSignature, type SigningScheme, webhookSignature } from "../domain/signing.js";
import { TemplateRenderError } from "../domain/template.js";
import type { HttpMethod, WebhookAuth, WebhookBody } from "../domain/webhook.js";
import type { EventRecord } from "../store/index.js";
import type { ResolvedTarget } from "../targets/kind.js";
import { VERSION } from "../version.js";
import { type RenderedBody, renderBody } from "./body.js";
import type { Sender, SendResult } from "./sender.js";

export { envelopeOf, formFields } from "./body.js";

export const USER_AGENT = `Switchboard/${VERSION}`;

/** A webhook with its secrets decrypted: what the sender needs to build a request. */
export interface ResolvedWebhook extends ResolvedTarget {
  kind: "webhook";
  method: HttpMethod;
  headers: Record<string, string>;
  auth: WebhookAuth;
  app_key: string | null;
  body: WebhookBody;
  /** Secrets that sign right now: the current one, plus the previous during a rotation's grace. */
  secrets: string[];
  /** Header for an extra GitHub-style `sha256=<hex HMAC of the body>` (current secret). */
  signature_header?: string | null;
  /** Which signatures `webhook-signature` carries; absent → `v1`. */
  signing_scheme?: SigningScheme;
  /** Decrypted ed25519 private keys (`whsk_…`) for `v1a`: current, then previous during a rotation's grace. */
  signing_keys?: string[];
}

export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

function authHeaders(auth: WebhookAuth): Record<string, string> {
  switch (auth.type) {
    case "none":
      return {};
    case "api_key":
      return { [auth.header]: auth.value };
    case "basic":
      return {
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`,
      };
    case "bearer":
      return { authorization: `Bearer ${auth.token}` };
  }
}

/**
 * Builds the signed request for one attempt. `timestampSeconds` is the attempt's own time, so a
 * retry is signed afresh while `webhook-id` (the event id) stays the same. Throws
 * {@link TemplateRenderError} when the body template fails to render (see {@link prepareRequest}).
 */
export function buildRequest(
  event: EventRecord,
  webhook: ResolvedWebhook,
  timestampSeconds: number,
): OutgoingRequest {
  const { body, contentType, query } = signedBody(renderBody(event, webhook), webhook);
  let url = webhook.url;
  if (query !== null && query !== "") {
    const target = new URL(webhook.url);
    target.search = target.search.length > 1 ? `${target.search.slice(1)}&${query}` : query;
    url = target.toString();
  }
  const headers = baseHeaders(webhook);
  headers["webhook-id"] = event.id;
  headers["webhook-timestamp"] = String(timestampSeconds);
  headers["webhook-signature"] = webhookSignature(
    {
      scheme: webhook.signing_scheme ?? "v1",
      secrets: webhook.secrets,
      signingKeys: webhook.signing_keys ?? [],
    },
    event.id,
    timestampSeconds,
    body ?? "",
  );
  if (webhook.signature_header && webhook.secrets[0] !== undefined) {
    headers[webhook.signature_header] = githubSignature(webhook.secrets[0], body ?? "");
  }
  if (contentType) headers["content-type"] = contentType;
  return { method: webhook.method, url, headers, body };
}

/**
 * With `body.sign` (Kaisa's signature option) the rendered payload goes as the field `data` and
 * its HMAC-SHA256 with the current secret as `sign`; the content type stays the payload's.
 */
function signedBody(rendered: RenderedBody, webhook: ResolvedWebhook): RenderedBody {
  const secret = webhook.secrets[0];
  if (webhook.body.sign !== true || secret === undefined) return rendered;
  if (rendered.query !== null) return { ...rendered, query: kaisaSignedBody(rendered.query, secret, "form") };
  if (rendered.body === null) return rendered;
  const format = rendered.contentType === "application/json" ? "json" : "form";
  return { ...rendered, body: kaisaSignedBody(rendered.body, secret, format) };
}

/** Custom, auth, user-agent and app-key headers: everything but the body's own. */
function baseHeaders(webhook: ResolvedWebhook): Record<string, string> {
  const headers: Record<string, string> = {
    ...webhook.headers,
    ...authHeaders(webhook.auth),
    "user-agent": USER_AGENT,
  };
  if (webhook.app_key !== null) headers["x-public-api-key"] = webhook.app_key;
  return headers;
}

export type PreparedRequest =
  | { ok: true; request: OutgoingRequest }
  /** The template failed: nothing is sent; `request` is what the attempt log shows. */
  | { ok: false; request: OutgoingRequest; message: string };

/** {@link buildRequest}, with a template render error returned instead of thrown. */
export function prepareRequest(
  event: EventRecord,
  webhook: ResolvedWebhook,
  timestampSeconds: number,
): PreparedRequest {
  try {
    return { ok: true, request: buildRequest(event, webhook, timestampSeconds) };
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const headers = baseHeaders(webhook);
    headers["webhook-id"] = event.id;
    return {
      ok: false,
      request: { method: webhook.method, url: webhook.url, headers, body: null },
      message: error.message,
    };
  }
}

/** Sends a prepared request; one whose template failed is a `render` failure, nothing sent. */
export async function sendPrepared(
  sender: Pick<Sender, "send">,
  prepared: PreparedRequest,
  timeoutMs: number,
): Promise<SendResult> {
  if (prepared.ok) return sender.send(prepared.request, timeoutMs);
  return {
    status: null,
    headers: null,
    body: null,
    errorKind: "render",
    errorMessage: prepared.message,
    durationMs: 0,
  };
}
