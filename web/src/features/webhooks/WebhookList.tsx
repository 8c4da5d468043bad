import { type ReactNode, useState } from "react";
import type { Delivery, Page, Webhook } from "../../api";
import { Link } from "../../router";
import { Empty, EnabledBadge, ErrorState, HealthBadge, Loading } from "../../ui/elements";
import { eventsSummary, formatTime, relativeTime } from "../../ui/format";
import { type Call, useApi, useResource, useSession } from "../../ui/hooks";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Statistics read at most this many pages of deliveries per webhook. */
const STATS_PAGES = 3;
const STATS_PAGE_SIZE = 100;

interface Stats {
  count: number;
  /** More deliveries in the last 24 h than were read. */
  truncated: boolean;
  succeeded: number;
  finished: number;
  lastAt: string | null;
}

async function loadStats(call: Call, id: string, signal: AbortSignal): Promise<Stats> {
  const since = Date.now() - DAY_MS;
  const deliveries: Delivery[] = [];
  let cursor: string | null = null;
  let more = false;
  for (let page = 0; page < STATS_PAGES; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const answer: Page<Delivery> = await call<Page<Delivery>>(
      "GET",
      `/v1/webhooks/${id}/deliveries?limit=${STATS_PAGE_SIZE}${query}`,
      undefined,
      signal,
    );
    deliveries.push(...answer.data);
    cursor = answer.next_cursor;
    const oldest = answer.data.at(-1);
    more = cursor !== null && oldest !== undefined && Date.parse(oldest.created_at) >= since;
    if (!more) break;
  }
  const recent = deliveries.filter((d) => Date.parse(d.created_at) >= since);
  const finished = recent.filter((d) => d.status === "succeeded" || d.status === "failed");
  let lastAt: string | null = null;
  for (const d of deliveries) {
    const at = d.last_attempt_at;
    if (at && (lastAt === null || Date.parse(at) > Date.parse(lastAt))) lastAt = at;
  }
  return {
    count: recent.length,
    truncated: more,
    succeeded: finished.filter((d) => d.status === "succeeded").length,
    finished: finished.length,
    lastAt,
  };
}

export function WebhookList() {
  const call = useApi();
  const { session } = useSession();
  const [pages, setPages] = useState<string[]>([""]);
  const [resource, reload] = useResource(
    `webhooks:${session.tenantId}:${pages.join(",")}`,
    async (signal) => {
      const all: Webhook[] = [];
      let next: string | null = null;
      for (const cursor of pages) {
        const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page = await call<Page<Webhook>>("GET", `/v1/webhooks?limit=50${query}`, undefined, signal);
        all.push(...page.data);
        next = page.next_cursor;
      }
      return { webhooks: all, next };
    },
  );

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
        <div className="actions">
          <button type="button" className="button" onClick={reload} disabled={resource.state === "loading"}>
            Refresh
          </button>
          <Link className="button button-primary" href="/webhooks/new">
            New webhook
          </Link>
        </div>
      </div>
      <p className="muted lead">
        Every endpoint that receives this firm's events. Success rate and volume cover the last 24 hours.
      </p>
      {resource.state === "error" && (
        <ErrorState title="Could not load webhooks" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading webhooks…" />}
      {resource.data && resource.data.webhooks.length === 0 && (
        <Empty title="No webhooks yet">
          <p>
            Add an endpoint and Switchboard will deliver signed events to it, with retries and a full log.
          </p>
          <Link className="button button-primary" href="/webhooks/new">
            Create your first webhook
          </Link>
        </Empty>
      )}
      {resource.data && resource.data.webhooks.length > 0 && (
        <>
          <table className="table table-cards webhook-table">
            <caption className="visually-hidden">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Health</th>
                <th scope="col">Success (24 h)</th>
                <th scope="col">Deliveries (24 h)</th>
                <th scope="col">Last delivery</th>
              </tr>
            </thead>
            <tbody>
              {resource.data.webhooks.map((webhook) => (
                <WebhookRow key={webhook.id} webhook={webhook} />
              ))}
            </tbody>
          </table>
          {resource.data.next && (
            <button
              type="button"
              className="button"
              onClick={() => setPages((p) => [...p, resource.data?.next ?? ""])}
              disabled={resource.state === "loading"}
            >
              {resource.state === "loading" ? "Loading…" : "Show more webhooks"}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function WebhookRow({ webhook }: { webhook: Webhook }) {
  const call = useApi();
  const [stats, reload] = useResource(`stats:${webhook.id}:${webhook.updated_at}`, (signal) =>
    loadStats(call, webhook.id, signal),
  );
  const s = stats.data;
  const statCell = (render: (value: Stats) => ReactNode) => {
    if (stats.state === "error")
      return (
        <button type="button" className="link-button" onClick={reload} title="Could not load deliveries">
          Failed to load · retry
        </button>
      );
    if (!s) return <span className="muted">Loading…</span>;
    return render(s);
  };
  return (
    <tr>
      <td data-label="Endpoint">
        <Link className="url" href={`/webhooks/${webhook.id}`}>
          {webhook.url}
        </Link>
        {webhook.description ? <div className="muted">{webhook.description}</div> : null}
      </td>
      <td data-label="Events">{eventsSummary(webhook.events)}</td>
      <td data-label="State">
        <EnabledBadge enabled={webhook.enabled} reason={webhook.disabled_reason} />
      </td>
      <td data-label="Health">
        <HealthBadge health={webhook.health} />
      </td>
      <td data-label="Success (24 h)">
        {statCell((v) =>
          v.finished === 0 ? (
            <span className="muted">—</span>
          ) : (
            <span title={`${v.succeeded} of ${v.finished} finished deliveries succeeded`}>
              {Math.round((v.succeeded / v.finished) * 1000) / 10}%
            </span>
          ),
        )}
      </td>
      <td data-label="Deliveries (24 h)">{statCell((v) => `${v.truncated ? "≥ " : ""}${v.count}`)}</td>
      <td data-label="Last delivery">
        {statCell((v) =>
          v.lastAt ? (
            <time dateTime={v.lastAt} title={formatTime(v.lastAt)}>
              {relativeTime(v.lastAt)}
            </time>
          ) : (
            <span className="muted">Never</span>
          ),
        )}
      </td>
    </tr>
  );
}
