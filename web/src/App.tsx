import { useCallback, useEffect, useMemo, useState } from "react";
import { loadSession, type Session, saveSession } from "./api";
import { Catalog } from "./features/catalog/Catalog";
import { DestinationDetail } from "./features/destinations/DestinationDetail";
import { DestinationForm } from "./features/destinations/DestinationForm";
import { DestinationList } from "./features/destinations/DestinationList";
import { SignIn } from "./features/session/SignIn";
import { WebhookDetail } from "./features/webhooks/WebhookDetail";
import { WebhookForm } from "./features/webhooks/WebhookForm";
import { WebhookList } from "./features/webhooks/WebhookList";
import { Link, type Route, useRoute } from "./router";
import { Empty } from "./ui/elements";
import { SessionContext, type SessionContextValue } from "./ui/hooks";

const TITLES: Record<Route["page"], string> = {
  webhooks: "Webhooks",
  "new-webhook": "New webhook",
  "edit-webhook": "Edit webhook",
  webhook: "Webhook",
  destinations: "Destinations",
  "new-destination": "New email destination",
  "edit-destination": "Edit email destination",
  destination: "Destination",
  catalog: "Event catalog",
  "not-found": "Not found",
};

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signOutMessage, setSignOutMessage] = useState<string | null>(null);
  const route = useRoute();

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setSignOutMessage(null);
    setSession(next);
  }, []);
  const signOut = useCallback((message?: string) => {
    saveSession(null);
    setSignOutMessage(message ?? null);
    setSession(null);
  }, []);
  const switchTenant = useCallback(() => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, tenantId: null, tenantName: null };
      saveSession(next);
      return next;
    });
  }, []);

  const ready = session !== null && (!session.admin || session.tenantId !== null);
  useEffect(() => {
    document.title = ready ? `${TITLES[route.page]} · Switchboard` : "Sign in · Switchboard";
  }, [ready, route.page]);

  const context = useMemo<SessionContextValue | null>(
    () => (session ? { session, signOut } : null),
    [session, signOut],
  );

  if (!ready || !context) {
    return (
      <div className="shell">
        <header className="topbar">
          <span className="brand">Switchboard</span>
        </header>
        <main id="main" className="content content-narrow">
          <SignIn session={session} message={signOutMessage} onSignIn={signIn} onSignOut={signOut} />
        </main>
      </div>
    );
  }

  return (
    <SessionContext.Provider value={context}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link className="brand" href="/">
            Switchboard
          </Link>
          <nav aria-label="Main" className="nav">
            <Link
              href="/"
              aria-current={
                ["webhooks", "webhook", "new-webhook", "edit-webhook"].includes(route.page)
                  ? "page"
                  : undefined
              }
            >
              Webhooks
            </Link>
            <Link
              href="/destinations"
              aria-current={
                ["destinations", "destination", "new-destination", "edit-destination"].includes(route.page)
                  ? "page"
                  : undefined
              }
            >
              Destinations
            </Link>
            <Link href="/catalog" aria-current={route.page === "catalog" ? "page" : undefined}>
              Event catalog
            </Link>
          </nav>
          <div className="account">
            <span className="account-name" title={session.tenantId ?? undefined}>
              {session.admin ? `Admin · ${session.tenantName ?? session.tenantId}` : "Tenant key"}
            </span>
            {session.admin && (
              <button type="button" className="button button-small button-quiet" onClick={switchTenant}>
                Switch tenant
              </button>
            )}
            <button type="button" className="button button-small button-quiet" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        </header>
        <main id="main" className="content">
          <Page route={route} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "webhooks":
      return <WebhookList />;
    case "new-webhook":
      return <WebhookForm id={null} />;
    case "edit-webhook":
      return <WebhookForm key={route.id} id={route.id} />;
    case "webhook":
      return <WebhookDetail key={route.id} id={route.id} delivery={route.delivery} />;
    case "destinations":
      return <DestinationList />;
    case "new-destination":
      return <DestinationForm id={null} />;
    case "edit-destination":
      return <DestinationForm key={route.id} id={route.id} />;
    case "destination":
      return <DestinationDetail key={route.id} id={route.id} delivery={route.delivery} />;
    case "catalog":
      return <Catalog focus={route.type} />;
    case "not-found":
      return (
        <Empty title="Page not found">
          <p>
            Nothing lives at <code>{route.path}</code>. <Link href="/">Go to the webhooks</Link>.
          </p>
        </Empty>
      );
  }
}
