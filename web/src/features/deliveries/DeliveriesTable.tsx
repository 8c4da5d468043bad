/** "Recent deliveries": the webhook's deliveries by status, a page at a time, refreshed while some are pending. */
import { useEffect, useState } from "react";
import type { Delivery, DeliveryStatus, Page } from "../../api";
import { Empty, ErrorState, Loading } from "../../ui/elements";
import { useApi, useResource } from "../../ui/hooks";
import { targetApi } from "../targets/paths";
import type { Protocol } from "./answer";
import { DeliveryRow } from "./DeliveryRow";

const PAGE_SIZE = 20;
const FILTERS: Array<{ value: "" | DeliveryStatus; label: string }> = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

export function DeliveriesTable({
  webhookId,
  protocol = "HTTP",
  selected,
  version,
}: {
  /** The target (webhook or destination) whose deliveries these are. */
  webhookId: string;
  /** How its attempts are answered: "SMTP" for email destinations. */
  protocol?: Protocol;
  selected: string | null;
  version: number;
}) {
  const call = useApi();
  const [status, setStatus] = useState<"" | DeliveryStatus>("");
  // Cursors of the pages before the current one; the current page's cursor is the last entry.
  const [cursors, setCursors] = useState<string[]>([""]);
  const cursor = cursors.at(-1) ?? "";
  const [tick, setTick] = useState(0);
  const [page, reload] = useResource(
    `deliveries:${webhookId}:${status}:${cursor}:${version}:${tick}`,
    (signal) => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (status) query.set("status", status);
      if (cursor) query.set("cursor", cursor);
      return call<Page<Delivery>>("GET", `${targetApi(webhookId)}/deliveries?${query}`, undefined, signal);
    },
  );
  const hasPending = page.data?.data.some((d) => d.status === "pending") ?? false;
  // While deliveries are on their way, refresh the page every few seconds.
  useEffect(() => {
    if (!hasPending || page.state !== "ready") return;
    const timer = setTimeout(() => setTick((t) => t + 1), 3000);
    return () => clearTimeout(timer);
  }, [hasPending, page.state]);

  const changeStatus = (value: "" | DeliveryStatus) => {
    setStatus(value);
    setCursors([""]);
  };

  return (
    <section className="card" aria-labelledby="deliveries-title">
      <div className="section-head">
        <h2 id="deliveries-title">Recent deliveries</h2>
        <div className="actions">
          <label htmlFor="delivery-status" className="inline-label">
            Status
          </label>
          <select
            id="delivery-status"
            value={status}
            onChange={(e) => changeStatus(e.target.value as "" | DeliveryStatus)}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
          <button type="button" className="button button-small" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      {page.state === "error" && (
        <ErrorState title="Could not load deliveries" error={page.error} onRetry={reload} />
      )}
      {!page.data && page.state === "loading" && <Loading label="Loading deliveries…" />}
      {page.data && page.data.data.length === 0 && (
        <Empty title={status ? `No ${status} deliveries` : "No deliveries yet"}>
          <p>
            {status
              ? "Choose another status to see the rest."
              : "Events that match it appear here. Send a test to see one now."}
          </p>
        </Empty>
      )}
      {page.data && page.data.data.length > 0 && (
        <table className="table table-cards deliveries-table" aria-busy={page.state === "loading"}>
          <caption className="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.data.map((d) => (
              <DeliveryRow
                key={d.id}
                webhookId={webhookId}
                protocol={protocol}
                delivery={d}
                selected={d.id === selected}
                onRetried={reload}
              />
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || page.data?.next_cursor) && (
        <nav className="pager" aria-label="Delivery pages">
          <button
            type="button"
            className="button button-small"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Newer
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="button button-small"
            disabled={!page.data?.next_cursor}
            onClick={() => {
              const next = page.data?.next_cursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}
