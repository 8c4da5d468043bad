import type { ConnectorContext } from "../connector.js";
import { CrmError } from "../connector.js";
import { type CrmHttpResponse, type CrmMethod, joinUrl, parseJson, send } from "../http.js";
import { API_PATH, refreshForm, requestTokens } from "./oauth.js";

/** Refresh this long before `expires_at`, so a request never races the expiry. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface ClioCall {
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Clio's API v4 with an OAuth bearer token. The token is refreshed with the refresh token shortly
 * before `expires_at` and once when a call answers 401 (a token revoked before it expired); the new
 * credentials go to `onCredentialsChanged` so the engine stores them. Without a refresh token (a
 * direct token for a script) a 401 is `auth` as it stands.
 */
export class ClioClient {
  private credentials: Record<string, string>;
  private pending: Promise<void> | null = null;
  /** How many refreshes this client made: tests check the refresh is shared and not repeated. */
  refreshes = 0;

  constructor(private readonly context: ConnectorContext) {
    this.credentials = { ...context.credentials };
  }

  private get canRefresh(): boolean {
    const { refresh_token, client_id, client_secret } = this.credentials;
    return Boolean(refresh_token && client_id && client_secret);
  }

  private expiresSoon(): boolean {
    const at = Date.parse(this.credentials.expires_at ?? "");
    return !Number.isNaN(at) && at - REFRESH_MARGIN_MS <= Date.now();
  }

  /** Trades the refresh token for a new access token; concurrent callers share one refresh. */
  async refresh(): Promise<void> {
    this.pending ??= this.doRefresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async doRefresh(): Promise<void> {
    const { refresh_token, client_id, client_secret } = this.credentials;
    if (!refresh_token || !client_id || !client_secret) {
      throw new CrmError("auth", "the Clio access token expired and the connection has no refresh token");
    }
    const tokens = await requestTokens(
      this.context,
      refreshForm({ clientId: client_id, clientSecret: client_secret, refreshToken: refresh_token }),
    );
    const next: Record<string, string> = { ...this.credentials, access_token: tokens.access_token };
    if (tokens.refresh_token) next.refresh_token = tokens.refresh_token;
    if (tokens.expires_at) next.expires_at = tokens.expires_at;
    else delete next.expires_at;
    this.credentials = next;
    this.refreshes += 1;
    await this.context.onCredentialsChanged?.({ ...next });
  }

  private async token(): Promise<string> {
    if (this.canRefresh && this.expiresSoon()) await this.refresh();
    const token = this.credentials.access_token;
    if (!token) throw new CrmError("auth", "the Clio connection has no access token");
    return token;
  }

  /** A URL under `/api/v4` (a path), or a full URL Clio gave us (`meta.paging.next`). */
  url(pathOrUrl: string, query: Record<string, string> = {}): string {
    const url = new URL(
      /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : joinUrl(this.context.baseUrl, API_PATH + pathOrUrl),
    );
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url.toString();
  }

  /** One authenticated call; a 401 refreshes the token (when it can) and tries once more. */
  async call(method: CrmMethod, pathOrUrl: string, options: ClioCall = {}): Promise<CrmHttpResponse> {
    const url = this.url(pathOrUrl, options.query);
    const attempt = async (token: string) =>
      send(this.context, {
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.headers ?? {}),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        secrets: { json: ["shared_secret"] },
      });
    const first = await this.token();
    try {
      return await attempt(first);
    } catch (error) {
      if (!(error instanceof CrmError) || error.status !== 401 || !this.canRefresh) throw error;
      // Someone else may have refreshed while this call was out: only refresh a token still in use.
      if (this.credentials.access_token === first) await this.refresh();
      return attempt(await this.token());
    }
  }

  async json(method: CrmMethod, pathOrUrl: string, options: ClioCall = {}): Promise<unknown> {
    return parseJson(await this.call(method, pathOrUrl, options));
  }
}
