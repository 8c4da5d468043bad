/** The email destinations of the tenant, with health and the last 24 hours of deliveries. */
import { useState } from "react";
import type { Page } from "../../api";
import { Link } from "../../router";
import { Empty, EnabledBadge, ErrorState, HealthBadge, Loading } from "../../ui/elements";
import { eventsSummary } from "../../ui/format";
import { useApi, useResource, useSession } from "../../ui/hooks";
import { DeliveryStatCells } from "../targets/list/DeliveryStats";
import { type Destination, recipientsSummary } from "./types";

export function DestinationList() {
  const call = useApi();
  const { session } = useSession();
  const [pages, setPages] = useState<string[]>([""]);
  const [resource, reload] = useResource(
    `destinations:${session.tenantId}:${pages.join(",")}`,
    async (signal) => {
      const all: Destination[] = [];
      let next: string | null = null;
      for (const cursor of pages) {
        const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page = await call<Page<Destination>>(
          "GET",
          `/v1/destinations?limit=50${query}`,
          undefined,
          signal,
        );
        all.push(...page.data);
        next = page.next_cursor;
      }
      return { destinations: all, next };
    },
  );
  const newLink = (
    <Link className="button button-primary" href="/destinations/new">
      New email destination
    </Link>
  );

  return (
    <section aria-labelledby="destinations-title">
      <div className="page-head">
        <h1 id="destinations-title">Destinations</h1>
        <div className="actions">
          <button type="button" className="button" onClick={reload} disabled={resource.state === "loading"}>
            Refresh
          </button>
          {newLink}
        </div>
      </div>
      <p className="muted lead">
        Inboxes that receive this firm's events by email. Success rate and volume cover the last 24 hours.
      </p>
      {resource.state === "error" && (
        <ErrorState title="Could not load destinations" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading destinations…" />}
      {resource.data && resource.data.destinations.length === 0 && (
        <Empty title="No destinations yet">
          <p>Email each event to an inbox through your SMTP server, with retries and a full log.</p>
          {newLink}
        </Empty>
      )}
      {resource.data && resource.data.destinations.length > 0 && (
        <>
          <table className="table table-cards webhook-table destination-table">
            <caption className="visually-hidden">Email destinations</caption>
            <thead>
              <tr>
                <th scope="col">Recipients</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Health</th>
                <th scope="col">Success (24 h)</th>
                <th scope="col">Deliveries (24 h)</th>
                <th scope="col">Last delivery</th>
              </tr>
            </thead>
            <tbody>
              {resource.data.destinations.map((d) => (
                <tr key={d.id}>
                  <td data-label="Recipients">
                    <Link className="url" href={`/destinations/${d.id}`}>
                      {recipientsSummary(d.email.to)}
                    </Link>
                    <div className="muted">{d.description || `via ${d.email.smtp.host}`}</div>
                  </td>
                  <td data-label="Events">{eventsSummary(d.events)}</td>
                  <td data-label="State">
                    <EnabledBadge enabled={d.enabled} reason={d.disabled_reason} />
                  </td>
                  <td data-label="Health">
                    <HealthBadge health={d.health} />
                  </td>
                  <DeliveryStatCells targetId={d.id} updatedAt={d.updated_at} />
                </tr>
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
              {resource.state === "loading" ? "Loading…" : "Show more destinations"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
