import { type ConnectorContext, CrmError } from "../connector.js";
import { type CrmHttpResponse, joinUrl, parseJson, send } from "../http.js";

/**
 * Clio's OAuth 2.0 authorization-code flow (docs.developers.clio.com/api-docs/authorization): the
 * authorize page and the token endpoint live on the region's host, beside `/api/v4`. Pure helpers
 * for the URL and the token bodies; one function that posts to `/oauth/token`. The engine owns the
 * callback route and `state`; this file never stores anything.
 */

export type ClioRegion = "us" | "eu" | "ca" | "au";

/** The region's host root, as the OpenAPI document's `servers` list them (without `/api/v4`). */
export const CLIO_REGIONS: Record<ClioRegion, string> = {
  us: "https://app.clio.com",
  eu: "https://eu.app.clio.com",
  ca: "https://ca.app.clio.com",
  au: "https://au.app.clio.com",
};

export const API_PATH = "/api/v4";
export const AUTHORIZE_PATH = "/oauth/authorize";
export const TOKEN_PATH = "/oauth/token";

export function isClioRegion(value: string): value is ClioRegion {
  return Object.hasOwn(CLIO_REGIONS, value);
}

/** The page a person is sent to by the Connect button; Clio sends them back with `code` and `state`. */
export function authorizeUrl(options: {
  region?: ClioRegion;
  /** A host root other than the region's (a fake in tests). */
  baseUrl?: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  const root = options.baseUrl ?? CLIO_REGIONS[options.region ?? "us"];
  const url = new URL(joinUrl(root, AUTHORIZE_PATH));
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", options.clientId);
  url.searchParams.set("redirect_uri", options.redirectUri);
  url.searchParams.set("state", options.state);
  return url.toString();
}

/** The form body that trades an authorization code for tokens. */
export function codeExchangeForm(options: {
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): URLSearchParams {
  return new URLSearchParams({
    grant_type: "authorization_code",
    code: options.code,
    client_id: options.clientId,
    client_secret: options.clientSecret,
    redirect_uri: options.redirectUri,
  });
}

/** The form body that trades a refresh token for a new access token. */
export function refreshForm(options: {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}): URLSearchParams {
  return new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: options.refreshToken,
    client_id: options.clientId,
    client_secret: options.clientSecret,
  });
}

export interface ClioTokens {
  access_token: string;
  /** Clio answers a refresh without a new refresh token: the old one stays valid. */
  refresh_token: string | null;
  /** ISO-8601, from `expires_in`; null when Clio does not say. */
  expires_at: string | null;
}

/** The token endpoint's answer → tokens, or null when it has no access token. */
export function readTokens(answer: unknown, now: number): ClioTokens | null {
  if (!answer || typeof answer !== "object") return null;
  const record = answer as Record<string, unknown>;
  if (typeof record.access_token !== "string" || record.access_token === "") return null;
  const expiresIn = typeof record.expires_in === "number" ? record.expires_in : null;
  return {
    access_token: record.access_token,
    refresh_token:
      typeof record.refresh_token === "string" && record.refresh_token !== "" ? record.refresh_token : null,
    expires_at: expiresIn === null ? null : new Date(now + expiresIn * 1000).toISOString(),
  };
}

/**
 * Posts one token request. A refused grant (a revoked or reused code or refresh token answers 400
 * `invalid_grant`, a wrong client 401) is `auth` in Clio's own words, so the connection shows why.
 */
export async function requestTokens(context: ConnectorContext, form: URLSearchParams): Promise<ClioTokens> {
  let response: CrmHttpResponse;
  try {
    response = await send(context, {
      method: "POST",
      url: joinUrl(context.baseUrl, TOKEN_PATH),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      secrets: {
        form: ["client_secret", "refresh_token", "code"],
        json: ["access_token", "refresh_token"],
      },
    });
  } catch (error) {
    if (error instanceof CrmError && (error.stage === "validation" || error.stage === "auth")) {
      const said = error.vendorMessage ?? error.message;
      throw new CrmError("auth", `Clio refused the authorization (reconnect the Clio account): ${said}`, {
        status: error.status,
        vendorMessage: error.vendorMessage,
      });
    }
    throw error;
  }
  const tokens = readTokens(parseJson(response), Date.now());
  if (!tokens) throw new CrmError("auth", "Clio answered the token request without an access token");
  return tokens;
}
