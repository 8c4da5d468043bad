import { useState } from "react";
import type { Page, Webhook } from "../../api";
import { Link } from "../../router";
import { Empty, EnabledBadge, ErrorState, HealthBadge, Loading } from "../../ui/elements";
import { eventsSummary } from "../../ui/format";
import { useApi, useResource, useSession } from "../../ui/hooks";
import { WebhookVolumeCharts } from "../charts/WebhookVolumeCharts";
import { DeliveryStatCells } from "../targets/list/DeliveryStats";

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
          <WebhookVolumeCharts />
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
      <DeliveryStatCells targetId={webhook.id} updatedAt={webhook.updated_at} />
    </tr>
  );
}
