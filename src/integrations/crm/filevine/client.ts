import type { ConnectorContext } from "../connector.js";
import { CrmError } from "../connector.js";
import { type CrmHttpResponse, type CrmMethod, joinUrl, parseJson, send } from "../http.js";

/**
 * Filevine's v2 API behind its identity service (both OpenAPI documents in vendor-specs): a
 * personal access token (PAT) is exchanged at `POST {identity}/connect/token` (form: client_id,
 * client_secret, grant_type=personal_access_token, token, scope) for a bearer; `POST
 * /fv-app/v2/utils/GetUserOrgsWithToken` then names the user and org, sent as `x-fv-userid` and
 * `x-fv-orgid` on every other call. The session is re-derived from the PAT (never reported as new
 * credentials): renewed shortly before `expires_in` and once when a call answers 401.
 */

export const DEFAULT_API_URL = "https://api.filevineapp.com";
export const DEFAULT_IDENTITY_URL = "https://identity.filevine.com";
export const TOKEN_PATH = "/connect/token";
export const API_PATH = "/fv-app/v2";
/**
 * The identity document's example scope (the gateway, the tenant and the whole v2 API) and
 * `filevine.v2.webhooks`, which the document says the webhook subscription calls need.
 */
export const SCOPE =
  "fv.api.gateway.access tenant filevine.v2.api.* filevine.v2.webhooks email openid fv.auth.tenant.read";
export const EXPIRY_MARGIN_MS = 60_000;

interface Session {
  token: string;
  userId: string;
  orgId: string;
  expiresAt: number | null;
  account: string | null;
}

export interface FilevineCall {
  query?: Record<string, string>;
  body?: unknown;
}

function object(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export class FilevineClient {
  private session: Session | null = null;
  private pending: Promise<Session> | null = null;
  /** How many PAT exchanges this client made: tests check the session is reused. */
  exchanges = 0;

  constructor(private readonly context: ConnectorContext) {}

  /** Exchanges the PAT and reads the user and org; always fresh (the connection test uses it). */
  async login(): Promise<Session> {
    const { client_id, client_secret, pat } = this.context.credentials;
    if (!client_id || !client_secret || !pat)
      throw new CrmError(
        "auth",
        "the Filevine connection needs a client id, a client secret and a personal access token",
      );
    const identity = this.context.credentials.identity_url || DEFAULT_IDENTITY_URL;
    let response: CrmHttpResponse;
    try {
      response = await send(this.context, {
        method: "POST",
        url: joinUrl(identity, TOKEN_PATH),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id,
          client_secret,
          grant_type: "personal_access_token",
          token: pat,
          scope: SCOPE,
        }).toString(),
        secrets: { form: ["client_secret", "token"], json: ["access_token"] },
      });
    } catch (error) {
      // The identity server answers a refused PAT or client with 400 invalid_grant / invalid_client.
      if (error instanceof CrmError && (error.stage === "validation" || error.stage === "auth")) {
        throw new CrmError(
          "auth",
          `Filevine refused the personal access token: ${error.vendorMessage ?? error.message}`,
          { status: error.status, vendorMessage: error.vendorMessage, tokenRefused: true },
        );
      }
      throw error;
    }
    const answer = object(parseJson(response));
    if (typeof answer.access_token !== "string" || answer.access_token === "")
      throw new CrmError("auth", "Filevine's identity service answered without an access token");
    const token = answer.access_token;
    const expiresAt = typeof answer.expires_in === "number" ? Date.now() + answer.expires_in * 1000 : null;
    const orgs = object(
      parseJson(
        await send(this.context, {
          method: "POST",
          url: joinUrl(this.context.baseUrl, `${API_PATH}/utils/GetUserOrgsWithToken`),
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    );
    const user = object(orgs.User);
    const userId = object(user.UserId).Native;
    const wanted = this.context.credentials.org_id;
    const org = (Array.isArray(orgs.Orgs) ? orgs.Orgs.map(object) : []).find(
      (o) => !wanted || String(o.OrgId) === wanted,
    );
    if (userId === undefined || userId === null || !org)
      throw new CrmError(
        "auth",
        wanted ? `the Filevine user has no org ${wanted}` : "the Filevine user belongs to no org",
      );
    const name = [user.FirstName, user.LastName].filter((p) => typeof p === "string" && p).join(" ");
    this.exchanges += 1;
    this.session = {
      token,
      userId: String(userId),
      orgId: String(org.OrgId),
      expiresAt,
      account: typeof org.Name === "string" ? `${name || "Filevine user"} (${org.Name})` : name || null,
    };
    return this.session;
  }

  private async current(): Promise<Session> {
    const session = this.session;
    if (session && (session.expiresAt === null || session.expiresAt - EXPIRY_MARGIN_MS > Date.now()))
      return session;
    this.pending ??= this.login().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(joinUrl(this.context.baseUrl, API_PATH + path));
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url.toString();
  }

  async call(method: CrmMethod, path: string, options: FilevineCall = {}): Promise<CrmHttpResponse> {
    const url = this.url(path, options.query);
    const attempt = (session: Session) =>
      send(this.context, {
        method,
        url,
        headers: {
          authorization: `Bearer ${session.token}`,
          "x-fv-orgid": session.orgId,
          "x-fv-userid": session.userId,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
    const first = await this.current();
    try {
      return await attempt(first);
    } catch (error) {
      if (!(error instanceof CrmError) || error.status !== 401) throw error;
      if (this.session === first) this.session = null;
      return attempt(await this.current());
    }
  }

  async json(method: CrmMethod, path: string, options: FilevineCall = {}): Promise<unknown> {
    return parseJson(await this.call(method, path, options));
  }
}
