/** One row of the deliveries table: status, event, last answer, and the inspect and retry actions. */
import { useState } from "react";
import { type Delivery, errorMessage } from "../../api";
import { Link } from "../../router";
import { StatusBadge } from "../../ui/elements";
import { deliveryNote, formatTime, relativeTime, truncate } from "../../ui/format";
import { useAllows, useApi } from "../../ui/hooks";
import { targetPath } from "../targets/paths";
import { answerText, type Protocol } from "./answer";

export function DeliveryRow({
  webhookId,
  protocol,
  delivery: d,
  selected,
  onRetried,
}: {
  webhookId: string;
  protocol: Protocol;
  delivery: Delivery;
  selected: boolean;
  onRetried: () => void;
}) {
  const call = useApi();
  const mayRetry = useAllows("deliveries:write");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("POST", `/v1/deliveries/${d.id}/retry`);
      onRetried();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={selected ? "row-selected" : undefined}>
      <td data-label="Status">
        <StatusBadge status={d.status} extra={deliveryNote(d)} />
      </td>
      <td data-label="Event">
        <span className="mono">{d.event_type}</span>
        <br />
        <span className="mono muted">{d.event_id}</span>
      </td>
      <td data-label="Attempts">{d.attempt_count}</td>
      <td data-label="Last answer">
        {d.last_status_code !== null ? (
          answerText(protocol, d.last_status_code)
        ) : d.last_error ? (
          <span title={d.last_error}>{truncate(d.last_error, 60)}</span>
        ) : (
          "—"
        )}
      </td>
      <td data-label="Created">
        <time dateTime={d.created_at} title={formatTime(d.created_at)}>
          {relativeTime(d.created_at)}
        </time>
      </td>
      <td>
        <div className="row-actions">
          <Link
            className="button button-small"
            href={`${targetPath(webhookId)}?delivery=${d.id}`}
            aria-label={`Inspect delivery ${d.id}`}
          >
            Inspect
          </Link>
          {mayRetry && (d.status === "failed" || (d.status === "pending" && d.state !== "claimed")) && (
            <button
              type="button"
              className="button button-small"
              onClick={retry}
              disabled={busy}
              aria-label={`Retry delivery ${d.id}`}
            >
              {busy ? "Retrying…" : "Retry"}
            </button>
          )}
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
