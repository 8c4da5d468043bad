import type { Page } from "../../api";
import { Link } from "../../router";
import { ErrorState } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi, useResource } from "../../ui/hooks";

/** A card for one kind of delivery target (webhooks, email destinations): how many, and where to manage them. */
function TargetCard({
  title,
  description,
  collection,
  href,
  noun,
}: {
  title: string;
  description: string;
  collection: string;
  href: string;
  noun: string;
}) {
  const call = useApi();
  const [page, reload] = useResource(`integration-${collection}`, (signal) =>
    call<Page<{ id: string; enabled: boolean }>>("GET", `/v1/${collection}?limit=100`, undefined, signal),
  );
  const count = page.data?.data.length ?? 0;
  const more = page.data?.next_cursor ? "+" : "";
  return (
    <Section title={title} description={description}>
      {page.state === "error" && (
        <ErrorState title={`Could not load the ${noun}s`} error={page.error} onRetry={reload} />
      )}
      {page.data && (
        <p>
          <span className={`badge ${count > 0 ? "badge-succeeded" : "badge-muted"}`}>
            {count > 0 ? `${count}${more} ${noun}${count === 1 && !more ? "" : "s"}` : "None yet"}
          </span>{" "}
          <Link href={href}>Manage {noun}s</Link>
        </p>
      )}
    </Section>
  );
}

export const WebhooksCard = () => (
  <TargetCard
    title="Webhooks"
    description="Signed HTTP deliveries of every event to the firm's own systems."
    collection="webhooks"
    href="/webhooks"
    noun="webhook"
  />
);

export const EmailCard = () => (
  <TargetCard
    title="Email"
    description="Events sent as email to the firm's intake inboxes."
    collection="destinations"
    href="/destinations"
    noun="destination"
  />
);
