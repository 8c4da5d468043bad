/** The webhook's settings, summarised in a collapsible list. */
import type { Webhook } from "../../../api";
import { eventsSummary, formatDuration, formatSeconds, formatTime } from "../../../ui/format";
import { retryText } from "../../targets/form/retry";

export function Settings({ webhook: w }: { webhook: Webhook }) {
  const filters = Object.entries(w.filters).filter(
    ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
  );
  const success = [
    w.success.status_codes?.length ? `status ${w.success.status_codes.join(", ")}` : null,
    w.success.response_key ? `${w.success.response_key} = ${JSON.stringify(w.success.expected_value)}` : null,
  ].filter(Boolean);
  const rows: Array<[string, string]> = [
    ["Events", eventsSummary(w.events)],
    ["Campaign", w.campaign_id ?? "Any"],
    [
      "Filters",
      filters.length
        ? filters.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : JSON.stringify(v)}`).join("; ")
        : "None",
    ],
    ["Method", w.method],
    ["Headers", Object.keys(w.headers).length ? Object.keys(w.headers).join(", ") : "None"],
    ["Authentication", w.auth.type === "none" ? "None" : w.auth.type.replace("_", " ")],
    ["App key", w.app_key ?? "None"],
    [
      "Body",
      `${w.body.format === "json" ? "JSON" : "Form"}${w.body.template !== undefined ? ", templated" : ""}${w.body.macros === "kaisa" ? ", Kaisa macros" : ""}${w.body.sign ? ", signed as data + sign" : ""}`,
    ],
    ["Timeout", formatDuration(w.timeout_ms)],
    ["Retries", retryText(w.retry)],
    ["Success", success.length ? success.join("; ") : "Any 2xx"],
  ];
  if (w.signature_header) rows.push(["Signature header", w.signature_header]);
  if (w.hold) rows.push(["Hold", `until ${w.hold.until_event}, at most ${formatSeconds(w.hold.max_wait_s)}`]);
  if (w.ordering === "per_key") rows.push(["Ordering", `one at a time per ${w.ordering_key}`]);
  if (w.max_in_flight) rows.push(["Concurrent requests", String(w.max_in_flight)]);
  if (w.rate_limit_per_s) rows.push(["Rate limit", `${w.rate_limit_per_s}/s`]);
  rows.push(["Created", formatTime(w.created_at)], ["Updated", formatTime(w.updated_at)]);
  return (
    <details className="card settings">
      <summary>
        <h2 className="settings-title">Settings</h2>
      </summary>
      <dl className="settings-list">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
