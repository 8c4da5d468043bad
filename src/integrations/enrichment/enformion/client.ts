import { failure, failureOfStatus, vendorCall, vendorMessage } from "../http.js";
import type { ExchangeLog, LookupFailure, ProviderConnection } from "../provider.js";

/**
 * `POST {base}/Contact/Enrich` with the access profile in `galaxy-ap-name` / `galaxy-ap-password`
 * and `galaxy-search-type: DevAPIContactEnrich`.
 */
export async function enformionEnrich(
  connection: ProviderConnection,
  body: Record<string, unknown>,
): Promise<{ json: unknown; failure: LookupFailure | null; exchange: ExchangeLog }> {
  const {
    reply,
    failure: sent,
    exchange,
  } = await vendorCall({
    method: "POST",
    url: new URL("/Contact/Enrich", connection.baseUrl),
    headers: {
      "galaxy-ap-name": connection.credentials.ap_name ?? "",
      "galaxy-ap-password": connection.credentials.ap_password ?? "",
      "galaxy-search-type": "DevAPIContactEnrich",
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(body),
    timeoutMs: connection.timeoutMs,
    ...(connection.network ? { network: connection.network } : {}),
    secretHeaders: ["galaxy-ap-name"],
  });
  if (!reply) return { json: null, failure: sent ?? failure("transient", "no answer", null), exchange };
  const detail = vendorMessage(reply.json, ["message"], ["error", "message"]);
  const refused = failureOfStatus("EnformionGO", reply, detail);
  if (refused) return { json: null, failure: refused, exchange };
  if (reply.status !== 200) {
    return {
      json: null,
      failure: failure(
        "invalid_input",
        `EnformionGO refused the request (HTTP ${reply.status}): ${detail}`,
        reply.status,
      ),
      exchange,
    };
  }
  return { json: reply.json, failure: null, exchange };
}
