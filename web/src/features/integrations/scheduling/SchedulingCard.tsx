import { useState } from "react";
import { ErrorState, Loading, Notice } from "../../../ui/elements";
import { Field, Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";
import { AgentsTable } from "./AgentsTable";
import { SlotFinder } from "./SlotFinder";
import type { SchedulingConnection } from "./types";
import { UpcomingBookings } from "./UpcomingBookings";

/** Cal.com: connect with the company's API key, see who it is connected as, disconnect. */
export function SchedulingCard() {
  const call = useApi();
  const [resource, reload, replace] = useResource("scheduling-connection", (signal) =>
    call<SchedulingConnection>("GET", "/v1/scheduling/connection", undefined, signal),
  );
  return (
    <Section
      title="Scheduling"
      description="Cal.com: agents check availability and book while the caller is on the line."
    >
      {resource.state === "error" && (
        <ErrorState
          title="Could not load the scheduling connection"
          error={resource.error}
          onRetry={reload}
        />
      )}
      {resource.state === "loading" && !resource.data && (
        <Loading label="Loading the scheduling connection…" />
      )}
      {resource.data && !resource.data.connected && <ConnectForm onConnected={replace} />}
      {resource.data?.connected && (
        <>
          <Connected connection={resource.data} onDisconnected={() => replace({ connected: false })} />
          <AgentsTable />
          <UpcomingBookings />
          <SlotFinder />
        </>
      )}
    </Section>
  );
}

function ConnectForm({ onConnected }: { onConnected: (c: SchedulingConnection) => void }) {
  const call = useApi();
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const connect = async () => {
    if (apiKey.trim() === "") return;
    setBusy(true);
    setError(null);
    try {
      onConnected(
        await call<SchedulingConnection>("PUT", "/v1/scheduling/connection", {
          provider: "calcom",
          api_key: apiKey.trim(),
          ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void connect();
      }}
    >
      <p>
        <span className="badge badge-muted">Not connected</span>
      </p>
      <Field
        id="cal-key"
        label="Cal.com API key"
        hint="Settings → Developer → API keys in Cal.com. Stored encrypted; never shown again."
      >
        <input
          id="cal-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          aria-describedby="cal-key-hint"
        />
      </Field>
      <Field
        id="cal-base"
        label="Self-hosted Cal.com URL"
        optional
        hint="Only for a self-hosted Cal.com, e.g. https://cal.example.com."
      >
        <input
          id="cal-base"
          type="url"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          aria-describedby="cal-base-hint"
        />
      </Field>
      {error !== null && <ErrorState title="Cal.com did not accept the connection" error={error} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || apiKey.trim() === ""}>
          {busy ? "Connecting…" : "Connect"}
        </button>
      </div>
    </form>
  );
}

function Connected({
  connection,
  onDisconnected,
}: {
  connection: SchedulingConnection;
  onDisconnected: () => void;
}) {
  const call = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const disconnect = async () => {
    if (!window.confirm("Disconnect Cal.com? Agents stop booking until it is connected again.")) return;
    setBusy(true);
    setError(null);
    try {
      await call("DELETE", "/v1/scheduling/connection");
      onDisconnected();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <div className="scheduling-connection">
      <p>
        <span className="badge badge-succeeded">Connected</span>{" "}
        <span>
          as <strong>{connection.account?.name}</strong> ({connection.account?.email}) · key{" "}
          {connection.api_key}
        </span>
      </p>
      {connection.webhook && !connection.webhook.subscribed && (
        <Notice kind="info">
          Cal.com's booking webhooks could not be subscribed ({connection.webhook.error}); changes made in
          Cal.com will not reach Switchboard.
        </Notice>
      )}
      {error !== null && <ErrorState title="Could not disconnect" error={error} />}
      <button type="button" className="button" onClick={() => void disconnect()} disabled={busy}>
        {busy ? "Disconnecting…" : "Disconnect"}
      </button>
    </div>
  );
}
