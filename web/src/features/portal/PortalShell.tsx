/**
 * The dashboard in portal mode: the tenant's webhooks and their deliveries, and nothing else — no
 * navigation to other pages, no tenant switching, no sign-out into a key form. What the platform
 * embeds for its firms (a session from POST /v1/portal/sessions, see portal-session.ts).
 */
import { useEffect } from "react";
import type { Session } from "../../api";
import { Link, type Route, useRoute } from "../../router";
import { Empty } from "../../ui/elements";
import { formatTime } from "../../ui/format";
import { WebhookDetail } from "../webhooks/WebhookDetail";
import { WebhookForm } from "../webhooks/WebhookForm";
import { WebhookList } from "../webhooks/WebhookList";
import { portalExpiry } from "./portal-session";

const TITLES: Partial<Record<Route["page"], string>> = {
  webhooks: "Webhooks",
  "new-webhook": "New webhook",
  "edit-webhook": "Edit webhook",
  webhook: "Webhook",
};

export function PortalShell({ session }: { session: Session }) {
  const route = useRoute();
  const expires = portalExpiry(session.key);
  useEffect(() => {
    document.title = `${TITLES[route.page] ?? "Not available"} · Webhooks portal`;
  }, [route.page]);
  return (
    <div className="shell portal" data-mode="portal">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link className="brand" href="/">
          Webhooks
        </Link>
        <div className="account">
          {expires && (
            <span className="account-name muted">
              Session ends <time dateTime={expires}>{formatTime(expires)}</time>
            </span>
          )}
        </div>
      </header>
      <main id="main" className="content">
        <PortalPage route={route} />
      </main>
    </div>
  );
}

function PortalPage({ route }: { route: Route }) {
  switch (route.page) {
    case "webhooks":
      return <WebhookList />;
    case "new-webhook":
      return <WebhookForm id={null} />;
    case "edit-webhook":
      return <WebhookForm key={route.id} id={route.id} />;
    case "webhook":
      return <WebhookDetail key={route.id} id={route.id} delivery={route.delivery} />;
    default:
      return (
        <Empty title="Not available here">
          <p>
            This page only shows webhooks and their deliveries. <Link href="/">Go to the webhooks</Link>.
          </p>
        </Empty>
      );
  }
}

/** What a portal shows once its session has ended: a new link from the platform, not a key form. */
export function PortalEnded() {
  useEffect(() => {
    document.title = "Session ended · Webhooks portal";
  }, []);
  return (
    <div className="shell portal" data-mode="portal">
      <header className="topbar">
        <span className="brand">Webhooks</span>
      </header>
      <main id="main" className="content content-narrow">
        <Empty title="This session has ended">
          <p>Portal links work for a short time only. Open the webhooks page again from where you came.</p>
        </Empty>
      </main>
    </div>
  );
}
