import { useCallback, useEffect, useMemo, useState } from "react";
import { loadSession, type Session, saveSession } from "./api";
import { CaseDetail } from "./features/cases/CaseDetail";
import { CaseForm } from "./features/cases/CaseForm";
import { CaseList } from "./features/cases/CaseList";
import { Catalog } from "./features/catalog/Catalog";
import { ClientDetail } from "./features/clients/ClientDetail";
import { ClientForm } from "./features/clients/ClientForm";
import { ClientList } from "./features/clients/ClientList";
import { DestinationDetail } from "./features/destinations/DestinationDetail";
import { DestinationForm } from "./features/destinations/DestinationForm";
import { DestinationList } from "./features/destinations/DestinationList";
import { EnrichmentPage } from "./features/enrichment/EnrichmentPage";
import { ImportPage } from "./features/imports/ImportPage";
import { CrmConnectionPage } from "./features/integrations/crm/CrmConnectionPage";
import { IntegrationsPage } from "./features/integrations/IntegrationsPage";
import { PortalEnded, PortalShell } from "./features/portal/PortalShell";
import { sessionFromPortalLink } from "./features/portal/portal-session";
import { SignIn } from "./features/session/SignIn";
import { SettingsPage } from "./features/settings/SettingsPage";
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
  clients: "Clients",
  "new-client": "New client",
  client: "Client",
  "edit-client": "Edit client",
  cases: "Cases",
  "new-case": "New case",
  case: "Case",
  "edit-case": "Edit case",
  settings: "Records settings",
  import: "Import",
  integrations: "Integrations",
  "crm-connection": "CRM connection",
  enrichment: "Enrichment",
  "not-found": "Not found",
};

export function App() {
  const [session, setSession] = useState<Session | null>(() => {
    // A portal link replaces whatever this tab was signed in with.
    const portal = sessionFromPortalLink();
    if (portal) saveSession(portal);
    return portal ?? loadSession();
  });
  const [signOutMessage, setSignOutMessage] = useState<string | null>(null);
  const [portalEnded, setPortalEnded] = useState(false);
  const route = useRoute();

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setSignOutMessage(null);
    setSession(next);
  }, []);
  const signOut = useCallback(
    (message?: string) => {
      saveSession(null);
      setSignOutMessage(message ?? null);
      if (session?.portal) setPortalEnded(true);
      setSession(null);
    },
    [session],
  );
  const switchTenant = useCallback(() => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, tenantId: null, tenantName: null };
      saveSession(next);
      return next;
    });
  }, []);

  const ready = session !== null && (!session.admin || session.tenantId !== null);
  const portal = portalEnded || session?.portal === true;
  useEffect(() => {
    // The portal titles its own pages.
    if (portal) return;
    document.title = ready ? `${TITLES[route.page]} · Switchboard` : "Sign in · Switchboard";
  }, [portal, ready, route.page]);

  const context = useMemo<SessionContextValue | null>(
    () => (session ? { session, signOut } : null),
    [session, signOut],
  );

  if (portalEnded) return <PortalEnded />;
  if (session?.portal && context) {
    return (
      <SessionContext.Provider value={context}>
        <PortalShell session={session} />
      </SessionContext.Provider>
    );
  }

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
            <Link
              href="/clients"
              aria-current={
                ["clients", "client", "new-client", "edit-client"].includes(route.page) ? "page" : undefined
              }
            >
              Clients
            </Link>
            <Link
              href="/cases"
              aria-current={
                ["cases", "case", "new-case", "edit-case"].includes(route.page) ? "page" : undefined
              }
            >
              Cases
            </Link>
            <Link href="/import" aria-current={route.page === "import" ? "page" : undefined}>
              Import
            </Link>
            <Link
              href="/integrations"
              aria-current={["integrations", "crm-connection"].includes(route.page) ? "page" : undefined}
            >
              Integrations
            </Link>
            <Link href="/enrichment" aria-current={route.page === "enrichment" ? "page" : undefined}>
              Enrichment
            </Link>
            <Link href="/settings" aria-current={route.page === "settings" ? "page" : undefined}>
              Settings
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
    case "clients":
      return <ClientList key={route.search} search={route.search} />;
    case "new-client":
      return <ClientForm id={null} />;
    case "client":
      return <ClientDetail key={route.id} id={route.id} />;
    case "edit-client":
      return <ClientForm key={route.id} id={route.id} />;
    case "cases":
      return <CaseList key={route.search} search={route.search} />;
    case "new-case":
      return <CaseForm key={route.clientId} id={null} clientId={route.clientId} />;
    case "case":
      return <CaseDetail key={route.id} id={route.id} />;
    case "edit-case":
      return <CaseForm key={route.id} id={route.id} clientId="" />;
    case "settings":
      return <SettingsPage />;
    case "import":
      return <ImportPage />;
    case "integrations":
      return <IntegrationsPage />;
    case "crm-connection":
      return (
        <CrmConnectionPage
          id={route.id}
          tab={route.tab}
          delivery={route.delivery}
          connected={route.connected}
        />
      );
    case "enrichment":
      return <EnrichmentPage />;
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
