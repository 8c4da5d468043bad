import { failure, failureOfStatus, vendorCall, vendorMessage } from "../http.js";
import type { ExchangeLog, LookupFailure, ProviderConnection } from "../provider.js";

/** `GET {base}/3.2/phone?phone=…&phone.country_hint=US` with the key in `x-api-key`. */
export async function trestleReversePhone(
  connection: ProviderConnection,
  phone: string,
): Promise<{ json: unknown; failure: LookupFailure | null; exchange: ExchangeLog }> {
  const url = new URL("/3.2/phone", connection.baseUrl);
  url.searchParams.set("phone", phone);
  url.searchParams.set("phone.country_hint", "US");
  const {
    reply,
    failure: sent,
    exchange,
  } = await vendorCall({
    method: "GET",
    url,
    headers: { "x-api-key": connection.credentials.api_key ?? "", accept: "application/json" },
    timeoutMs: connection.timeoutMs,
    ...(connection.network ? { network: connection.network } : {}),
  });
  if (!reply) return { json: null, failure: sent ?? failure("transient", "no answer", null), exchange };
  const detail = vendorMessage(reply.json, ["error", "message"], ["message"]);
  const refused = failureOfStatus("Trestle", reply, detail);
  if (refused) return { json: null, failure: refused, exchange };
  if (reply.status !== 200) {
    return {
      json: null,
      failure: failure(
        "invalid_input",
        `Trestle refused the request (HTTP ${reply.status}): ${detail}`,
        reply.status,
      ),
      exchange,
    };
  }
  return { json: reply.json, failure: null, exchange };
}
