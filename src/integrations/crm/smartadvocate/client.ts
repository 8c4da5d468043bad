import type { ConnectorContext } from "../connector.js";
import { CrmError } from "../connector.js";
import { type CrmHttpResponse, type CrmMethod, joinUrl, parseJson, send } from "../http.js";
import { AUTHENTICATE_PATH, TOKEN_EXPIRY_MARGIN_MS } from "./guesses.js";

/** The seconds-since-epoch `exp` of a JWT, or null when it has none (then we keep it until a 401). */
export function jwtExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * SmartAdvocate's CaseSync API: a JWT from `Users/authenticate`, cached until shortly before its
 * `exp` and renewed once when a call answers 401 (the token may be revoked before it expires).
 * The password and the token are redacted from every reported exchange.
 */
export class SmartAdvocateClient {
  private token: { value: string; expiresAt: number | null } | null = null;
  private pending: Promise<string> | null = null;
  /** How many times we authenticated: tests check that the token is reused. */
  authentications = 0;

  constructor(private readonly context: ConnectorContext) {}

  /** The user name SmartAdvocate answered the last authentication with. */
  account: string | null = null;

  async authenticate(): Promise<string> {
    const { username, password } = this.context.credentials;
    if (!username || !password)
      throw new CrmError("auth", "the SmartAdvocate connection needs a username and a password");
    let response: CrmHttpResponse;
    try {
      response = await send(this.context, {
        method: "POST",
        url: joinUrl(this.context.baseUrl, AUTHENTICATE_PATH),
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ Username: username, Password: password }),
        secrets: { json: ["Password", "token"] },
      });
    } catch (error) {
      // A refused login may come back as 400 (bad request) as well as 401: both mean the credentials.
      if (error instanceof CrmError && (error.stage === "validation" || error.stage === "not_found")) {
        throw new CrmError(
          "auth",
          `SmartAdvocate refused the login: ${error.vendorMessage ?? error.message}`,
          {
            status: error.status,
            vendorMessage: error.vendorMessage,
          },
        );
      }
      throw error;
    }
    const answer = parseJson(response) as { token?: unknown; username?: unknown };
    if (typeof answer.token !== "string" || answer.token === "") {
      throw new CrmError("auth", "SmartAdvocate answered the login without a token");
    }
    this.authentications += 1;
    this.account = typeof answer.username === "string" ? answer.username : null;
    this.token = { value: answer.token, expiresAt: jwtExpiry(answer.token) };
    return answer.token;
  }

  private async bearer(): Promise<string> {
    const token = this.token;
    if (token && (token.expiresAt === null || token.expiresAt - TOKEN_EXPIRY_MARGIN_MS > Date.now()))
      return token.value;
    // Concurrent calls share one login.
    this.pending ??= this.authenticate().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** One authenticated JSON call; a 401 renews the token and tries once more. */
  async call(
    method: CrmMethod,
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ) {
    const url = new URL(joinUrl(this.context.baseUrl, path));
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const attempt = async (token: string) =>
      send(this.context, {
        method,
        url: url.toString(),
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        secrets: { json: ["token"] },
      });
    const first = await this.bearer();
    try {
      return await attempt(first);
    } catch (error) {
      if (!(error instanceof CrmError) || error.status !== 401) throw error;
      this.token = null;
      return attempt(await this.bearer());
    }
  }

  async json(
    method: CrmMethod,
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ) {
    return parseJson(await this.call(method, path, options));
  }
}
