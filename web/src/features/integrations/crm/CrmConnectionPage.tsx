import { navigate } from "../../../router";
import { ErrorState, Loading } from "../../../ui/elements";
import { useApi, useResource } from "../../../ui/hooks";
import { ActivityTab } from "./ActivityTab";
import { ConfigurationTab } from "./ConfigurationTab";
import { ConnectedNotice } from "./ConnectedNotice";
import { MappingsTab } from "./MappingsTab";
import type { CrmConnection, CrmProvider } from "./types";

const TABS = [
  { id: "configuration", label: "Configuration" },
  { id: "mappings", label: "CRM Mappings" },
  { id: "activity", label: "Activity" },
] as const;
type Tab = (typeof TABS)[number]["id"];

const tabOf = (value: string | null): Tab => TABS.find((t) => t.id === value)?.id ?? "configuration";

/** One CRM connection (`/integrations/crm/crm_…`): configuration, mappings and activity tabs. */
export function CrmConnectionPage({
  id,
  tab,
  delivery,
  connected = false,
}: {
  id: string;
  tab: string | null;
  /** Just connected (the OAuth callback or the token form lands here with `?connected=1`). */
  connected?: boolean;
  /** A delivery to inspect (the deliveries table's "Inspect" links here): shown on the Activity tab. */
  delivery: string | null;
}) {
  const call = useApi();
  const [loaded, reload, replace] = useResource(`crm-connection:${id}`, async (signal) => {
    const [connection, providers] = await Promise.all([
      call<CrmConnection>("GET", `/v1/crm/connections/${id}`, undefined, signal),
      call<{ data: CrmProvider[] }>("GET", "/v1/crm/providers", undefined, signal),
    ]);
    return { connection, provider: providers.data.find((p) => p.name === connection.provider) ?? null };
  });
  const current = delivery && !tab ? "activity" : tabOf(tab);
  if (loaded.state === "error") {
    return <ErrorState title="Could not load the CRM connection" error={loaded.error} onRetry={reload} />;
  }
  if (!loaded.data) return <Loading label="Loading the CRM connection…" />;
  const { connection, provider } = loaded.data;
  if (!provider) {
    return <ErrorState title={`Switchboard no longer knows the CRM "${connection.provider}"`} error={null} />;
  }
  return (
    <section aria-labelledby="crm-title">
      <div className="page-head">
        <h1 id="crm-title">
          {connection.name}
          {connection.name !== provider.label && <span className="muted"> · {provider.label}</span>}
        </h1>
      </div>
      {connected && <ConnectedNotice connection={connection} provider={provider} />}
      <div className="tabs" role="tablist" aria-label="Connection">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={current === t.id}
            aria-controls={`panel-${t.id}`}
            className={`button${current === t.id ? " button-primary" : ""}`}
            onClick={() => navigate(`/integrations/crm/${id}?tab=${t.id}`, { replace: true })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`}>
        {current === "configuration" && (
          <ConfigurationTab
            connection={connection}
            provider={provider}
            onSaved={(c) => replace({ connection: c, provider })}
          />
        )}
        {current === "mappings" && <MappingsTab connection={connection} provider={provider} />}
        {current === "activity" && <ActivityTab connection={connection} delivery={delivery} />}
      </div>
    </section>
  );
}
