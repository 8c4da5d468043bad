import { failure, failureOfStatus, vendorCall, vendorMessage } from "../http.js";
import type { ExchangeLog, LookupFailure, ProviderConnection } from "../provider.js";

/**
 * `GET {base}/v2/PhoneNumbers/{E.164}?Fields=…` with HTTP basic auth (Account SID, Auth Token).
 * Errors are `{code, message, more_info, status}`.
 */
export async function twilioPhoneNumber(
  connection: ProviderConnection,
  phone: string,
  fields: readonly string[],
): Promise<{ json: unknown; failure: LookupFailure | null; exchange: ExchangeLog }> {
  const url = new URL(`/v2/PhoneNumbers/${encodeURIComponent(phone)}`, connection.baseUrl);
  url.searchParams.set("Fields", fields.join(","));
  const basic = Buffer.from(
    `${connection.credentials.account_sid ?? ""}:${connection.credentials.auth_token ?? ""}`,
  ).toString("base64");
  const {
    reply,
    failure: sent,
    exchange,
  } = await vendorCall({
    method: "GET",
    url,
    headers: { authorization: `Basic ${basic}`, accept: "application/json" },
    timeoutMs: connection.timeoutMs,
    ...(connection.network ? { network: connection.network } : {}),
  });
  // The number is in the path: the attempt log keeps the route, not the person's number.
  exchange.url = `${url.origin}/v2/PhoneNumbers/{number}`;
  if (!reply) return { json: null, failure: sent ?? failure("transient", "no answer", null), exchange };
  const detail = vendorMessage(reply.json, ["message"]);
  const refused = failureOfStatus("Twilio Lookup", reply, detail);
  if (refused) return { json: null, failure: refused, exchange };
  if (reply.status === 404) return { json: { valid: false, phone_number: phone }, failure: null, exchange };
  if (reply.status !== 200) {
    return {
      json: null,
      failure: failure(
        "invalid_input",
        `Twilio Lookup refused the request (HTTP ${reply.status}): ${detail}`,
        reply.status,
      ),
      exchange,
    };
  }
  return { json: reply.json, failure: null, exchange };
}
