import { useState } from "react";
import type { Page } from "../../../api";
import { Link, navigate } from "../../../router";
import { ErrorState, Loading } from "../../../ui/elements";
import { Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";
import { ConnectForm } from "./ConnectForm";
import { type CardState, stateBadge } from "./logic";
import type { CrmConnection, CrmProvider, CrmStatusAnswer } from "./types";

interface Listed {
  connection: CrmConnection;
  state: CardState;
}

/** One card per CRM Switchboard connects to, with its connections' state and a "Connect" form. */
export function CrmCards() {
  const call = useApi();
  const [providers, reloadProviders] = useResource("crm-providers", (signal) =>
    call<{ data: CrmProvider[] }>("GET", "/v1/crm/providers", undefined, signal),
  );
  const [connections, reloadConnections] = useResource("crm-connections", async (signal) => {
    const page = await call<Page<CrmConnection>>("GET", "/v1/crm/connections?limit=100", undefined, signal);
    // The state is per connection; a handful per firm, so one status call each.
    return Promise.all(
      page.data.map(async (connection): Promise<Listed> => {
        const status = await call<CrmStatusAnswer>(
          "GET",
          `/v1/crm/connections/${connection.id}/status`,
          undefined,
          signal,
        );
        return { connection, state: status.state };
      }),
    );
  });
  if (providers.state === "error" || connections.state === "error") {
    return (
      <Section title="CRM">
        <ErrorState
          title="Could not load the CRM connections"
          error={providers.error ?? connections.error}
          onRetry={() => {
            reloadProviders();
            reloadConnections();
          }}
        />
      </Section>
    );
  }
  if (!providers.data || !connections.data) return <Loading label="Loading the CRM connections…" />;
  const listed = connections.data;
  return (
    <>
      {providers.data.data.map((provider) => (
        <ProviderCard
          key={provider.name}
          provider={provider}
          connections={listed.filter((l) => l.connection.provider === provider.name)}
        />
      ))}
    </>
  );
}

function ProviderCard({ provider, connections }: { provider: CrmProvider; connections: Listed[] }) {
  const [connecting, setConnecting] = useState(false);
  const sync = provider.capabilities.change_notifications
    ? "changes arrive as they happen"
    : provider.capabilities.list_changes
      ? "changes are polled"
      : "linked records are polled";
  return (
    <Section
      title={provider.label}
      description={`Two-way sync of clients and cases with ${provider.label}; ${sync}.`}
    >
      {connections.length === 0 && (
        <p>
          <span className={stateBadge("none").className}>{stateBadge("none").label}</span>
        </p>
      )}
      {connections.length > 0 && (
        <ul className="crm-connections">
          {connections.map(({ connection, state }) => {
            const badge = stateBadge(state);
            return (
              <li key={connection.id}>
                <Link href={`/integrations/crm/${connection.id}`}>{connection.name}</Link>{" "}
                <span className={badge.className}>{badge.label}</span>
              </li>
            );
          })}
        </ul>
      )}
      {connecting ? (
        <ConnectForm
          provider={provider}
          onCancel={() => setConnecting(false)}
          onConnected={(c) => navigate(`/integrations/crm/${c.id}?connected=1`)}
        />
      ) : (
        <button type="button" className="button button-primary" onClick={() => setConnecting(true)}>
          Connect {provider.label}
        </button>
      )}
    </Section>
  );
}
