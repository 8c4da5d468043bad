/** The destination's settings, summarised in a collapsible list. */
import { eventsSummary, formatDuration, formatSeconds, formatTime } from "../../../ui/format";
import { retryText } from "../../targets/form/retry";
import type { Destination } from "../types";

export function DestinationSettings({ destination: d }: { destination: Destination }) {
  const smtp = d.email.smtp;
  const rows: Array<[string, string]> = [
    ["Mail server", `${smtp.host}:${smtp.port} (${smtp.security === "none" ? "no TLS" : smtp.security})`],
    ["Login", smtp.username ? `${smtp.username}${smtp.password ? ", password set" : ""}` : "None"],
    ["From", d.email.from],
    ["To", d.email.to.join(", ")],
    ["Cc", d.email.cc.length ? d.email.cc.join(", ") : "None"],
    ["Subject", d.email.subject],
    ["Events", eventsSummary(d.events)],
    ["Campaign", d.campaign_id ?? "Any"],
    ["Timeout", formatDuration(d.timeout_ms)],
    ["Retries", retryText(d.retry)],
  ];
  if (d.hold) rows.push(["Hold", `until ${d.hold.until_event}, at most ${formatSeconds(d.hold.max_wait_s)}`]);
  rows.push(["Created", formatTime(d.created_at)], ["Updated", formatTime(d.updated_at)]);
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
