import type { Page } from "../../api";
import { Link } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { formatTime } from "../../ui/format";
import { useApi, useResource } from "../../ui/hooks";
import { isMissingRoute } from "./settings";
import type { TimelineEntry } from "./types";

const SOURCE_LABEL: Record<string, string> = {
  api: "API",
  import: "import",
  enrichment: "enrichment",
  merge: "merge",
  intake: "call intake",
};

const sourceLabel = (source: string): string =>
  SOURCE_LABEL[source] ?? (source.startsWith("crm:") ? `CRM (${source.slice(4)})` : source);

const show = (value: unknown): string =>
  value === null || value === undefined || value === ""
    ? "—"
    : typeof value === "string"
      ? value
      : JSON.stringify(value);

/** What happened to a client or case, newest first, with the deliveries each event caused. */
export function Timeline({ path, version }: { path: string; version: number }) {
  const call = useApi();
  const [resource, reload] = useResource(`timeline:${path}:${version}`, async (signal) => {
    try {
      return await call<Page<TimelineEntry>>("GET", `${path}/timeline?limit=50`, undefined, signal);
    } catch (error) {
      if (isMissingRoute(error)) return null;
      throw error;
    }
  });
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {resource.state === "error" && (
        <ErrorState title="Could not load the timeline" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading the timeline…" />}
      {resource.state === "ready" && resource.data === null && (
        <Notice kind="info">This server does not keep a timeline yet.</Notice>
      )}
      {resource.data && resource.data.data.length === 0 && <p className="muted">Nothing has happened yet.</p>}
      {resource.data && resource.data.data.length > 0 && (
        <ol className="timeline">
          {resource.data.data.map((entry) => (
            <li key={`${entry.event.id}:${entry.at}`}>
              <div>
                <strong>{entry.event.type}</strong>{" "}
                <span className="muted">
                  {formatTime(entry.at)}
                  {entry.change_source ? ` · by ${sourceLabel(entry.change_source)}` : ""}
                </span>
              </div>
              {entry.changes && Object.keys(entry.changes).length > 0 && (
                <ul className="changes">
                  {Object.entries(entry.changes).map(([field, change]) => (
                    <li key={field}>
                      <code>{field}</code>: {show(change.old)} → {show(change.new)}
                    </li>
                  ))}
                </ul>
              )}
              {entry.deliveries.length > 0 && (
                <p className="muted changes">
                  Sent to{" "}
                  {entry.deliveries.map((delivery, index) => (
                    <span key={delivery.id}>
                      {index > 0 ? ", " : ""}
                      <Link href={`/webhooks/${delivery.webhook_id}?delivery=${delivery.id}`}>
                        {delivery.webhook_id}
                      </Link>{" "}
                      ({delivery.status}, {delivery.attempts} attempt{delivery.attempts === 1 ? "" : "s"})
                    </span>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
