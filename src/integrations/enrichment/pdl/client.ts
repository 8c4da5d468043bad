import { failure, failureOfStatus, isRecord, vendorCall, vendorMessage } from "../http.js";
import type { ExchangeLog, LookupFailure, ProviderConnection } from "../provider.js";

export type PdlAnswer =
  | { kind: "match"; json: unknown }
  | { kind: "no_match" }
  | { kind: "failed"; failure: LookupFailure };

/**
 * `GET {base}/v5/person/enrich` with the key in `X-Api-Key`. 200 is a match, 404 is no match
 * (PDL does not charge for it); errors are `{status, error: {type, message}}`.
 */
export async function pdlEnrich(
  connection: ProviderConnection,
  query: URLSearchParams,
): Promise<{ answer: PdlAnswer; exchange: ExchangeLog }> {
  const url = new URL("/v5/person/enrich", connection.baseUrl);
  url.search = query.toString();
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
  if (!reply)
    return { answer: { kind: "failed", failure: sent ?? failure("transient", "no answer", null) }, exchange };
  const detail = vendorMessage(reply.json, ["error", "message"], ["error", "type"]);
  const refused = failureOfStatus("People Data Labs", reply, detail);
  if (refused) return { answer: { kind: "failed", failure: refused }, exchange };
  if (reply.status === 404) return { answer: { kind: "no_match" }, exchange };
  if (reply.status === 200 && isRecord(reply.json))
    return { answer: { kind: "match", json: reply.json }, exchange };
  if (reply.status === 200) {
    return {
      answer: {
        kind: "failed",
        failure: failure("malformed", "People Data Labs answered 200 without a JSON person", 200),
      },
      exchange,
    };
  }
  return {
    answer: {
      kind: "failed",
      failure: failure(
        "invalid_input",
        `People Data Labs refused the request (HTTP ${reply.status}): ${detail}`,
        reply.status,
      ),
    },
    exchange,
  };
}
