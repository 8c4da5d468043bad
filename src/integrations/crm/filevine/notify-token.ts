import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { type ConnectorContext, CrmError } from "../connector.js";
import { joinUrl, parseJson, send } from "../http.js";

/**
 * How a Filevine webhook delivery proves where it comes from: `Authorization: Bearer <JWT>`, a
 * token Filevine's identity service (the OIDC server of the identity document) issued for the
 * webhook audience. We check its RS256 signature against the keys the identity service publishes
 * (OIDC discovery → `jwks_uri`), its issuer, audience, scope and lifetime. Nothing in it is a
 * secret we hold, so a subscription stores none. (Filevine's v2 document describes the
 * subscription, not the delivery: this follows Filevine's own description of its webhooks.)
 */

export const WEBHOOK_AUDIENCE = "filevine-v2-webhooks";
export const WEBHOOK_SCOPE = "filevine-v2-webhooks-access";
/** Clock skew allowed on `exp` and `nbf`. */
const SKEW_S = 60;
/** The identity service's keys are read again after an hour, or after a minute for an unknown `kid`. */
const KEYS_TTL_MS = 3_600_000;
const UNKNOWN_KID_RETRY_MS = 60_000;

interface IdentityKeys {
  issuer: string;
  keys: Map<string, KeyObject>;
  fetchedAt: number;
}

/** Per identity service URL: every connection of the process shares its keys. */
const cache = new Map<string, Promise<IdentityKeys>>();

function b64json(part: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new CrmError("auth", "the Filevine notification's token is not a JWT");
}

async function fetchKeys(context: ConnectorContext, identity: string): Promise<IdentityKeys> {
  const discovery = parseJson(
    await send(context, { method: "GET", url: joinUrl(identity, "/.well-known/openid-configuration") }),
  ) as Record<string, unknown>;
  const jwksUri = typeof discovery.jwks_uri === "string" ? discovery.jwks_uri : "";
  // Keys only from the identity service itself: a discovery document pointing elsewhere is refused.
  if (!jwksUri || new URL(jwksUri).origin !== new URL(identity).origin)
    throw new CrmError("auth", "Filevine's identity service names no key set of its own");
  const jwks = parseJson(await send(context, { method: "GET", url: jwksUri })) as Record<string, unknown>;
  const keys = new Map<string, KeyObject>();
  for (const raw of Array.isArray(jwks.keys) ? jwks.keys : []) {
    const jwk = raw as Record<string, unknown>;
    if (jwk.kty !== "RSA" || typeof jwk.kid !== "string" || (jwk.use !== undefined && jwk.use !== "sig"))
      continue;
    try {
      keys.set(jwk.kid, createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e } as never, format: "jwk" }));
    } catch {
      // A key we cannot read signs nothing we accept.
    }
  }
  const issuer = typeof discovery.issuer === "string" ? discovery.issuer : identity;
  return { issuer: issuer.replace(/\/+$/, ""), keys, fetchedAt: Date.now() };
}

async function keysFor(context: ConnectorContext, identity: string, kid: string): Promise<IdentityKeys> {
  const cached = cache.get(identity);
  const now = Date.now();
  if (cached) {
    const known = await cached.catch(() => null);
    if (known && now - known.fetchedAt < KEYS_TTL_MS) {
      if (known.keys.has(kid) || now - known.fetchedAt < UNKNOWN_KID_RETRY_MS) return known;
    }
  }
  const fresh = fetchKeys(context, identity);
  cache.set(identity, fresh);
  fresh.catch(() => cache.delete(identity));
  return fresh;
}

/** Throws `auth` unless `authorization` carries a webhook token Filevine's identity service signed. */
export async function verifyWebhookToken(
  context: ConnectorContext,
  identity: string,
  authorization: string | undefined,
  now = Date.now(),
): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token) throw new CrmError("auth", "the Filevine notification carries no bearer token");
  const [headerPart = "", payloadPart = "", signaturePart = ""] = token.split(".");
  const header = b64json(headerPart);
  const claims = b64json(payloadPart);
  // RS256 only: never `none`, never an HMAC keyed by a public key.
  if (header.alg !== "RS256" || typeof header.kid !== "string")
    throw new CrmError("auth", "the Filevine notification's token is not signed with RS256");
  const root = identity.replace(/\/+$/, "");
  const known = await keysFor(context, root, header.kid);
  const key = known.keys.get(header.kid);
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!key || !verify("RSA-SHA256", signed, key, Buffer.from(signaturePart, "base64url")))
    throw new CrmError("auth", "the Filevine notification's token does not verify");
  const seconds = now / 1000;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const scopes = Array.isArray(claims.scope) ? claims.scope : String(claims.scope ?? "").split(" ");
  const problem =
    String(claims.iss ?? "").replace(/\/+$/, "") !== known.issuer
      ? "was issued by someone else"
      : !audiences.includes(WEBHOOK_AUDIENCE)
        ? "is not for Filevine webhooks"
        : !scopes.includes(WEBHOOK_SCOPE)
          ? "lacks the webhook scope"
          : typeof claims.exp !== "number" || claims.exp + SKEW_S < seconds
            ? "has expired"
            : typeof claims.nbf === "number" && claims.nbf - SKEW_S > seconds
              ? "is not valid yet"
              : null;
  if (problem) throw new CrmError("auth", `the Filevine notification's token ${problem}`);
}
