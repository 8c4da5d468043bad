/** One email destination: its state, send-test and replay, settings, deliveries and the inspector. */
import { useEffect, useState } from "react";
import { Link, navigate } from "../../router";
import { EnabledBadge, ErrorState, HealthBadge, Loading, Notice } from "../../ui/elements";
import { clearFlash, peekFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { DeliveriesTable } from "../deliveries/DeliveriesTable";
import { DeliveryInspector } from "../deliveries/DeliveryInspector";
import { DeleteButton } from "../targets/detail/DeleteButton";
import { EnableToggle } from "../targets/detail/EnableToggle";
import { ReplayPanel } from "../targets/detail/ReplayPanel";
import { TestPanel } from "../targets/detail/TestPanel";
import { DestinationSettings } from "./detail/Settings";
import { type Destination, recipientsSummary } from "./types";

export function DestinationDetail({ id, delivery }: { id: string; delivery: string | null }) {
  const call = useApi();
  const [destination, reload, replace] = useResource(`destination:${id}`, (signal) =>
    call<Destination>("GET", `/v1/destinations/${id}`, undefined, signal),
  );
  const [flash] = useState(() => peekFlash(id));
  const [showFlash, setShowFlash] = useState(true);
  useEffect(() => clearFlash(id), [id]);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const refreshDeliveries = () => setDeliveriesVersion((v) => v + 1);

  const back = (
    <Link href="/destinations" className="back-link">
      ← All destinations
    </Link>
  );
  if (destination.state === "error" && !destination.data) {
    return (
      <>
        {back}
        <ErrorState title="Could not load the destination" error={destination.error} onRetry={reload} />
      </>
    );
  }
  if (!destination.data) {
    return (
      <>
        {back}
        <Loading label="Loading the destination…" />
      </>
    );
  }
  const d = destination.data;
  return (
    <>
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1 className="url">Email to {recipientsSummary(d.email.to)}</h1>
          <p className="muted">{d.description || "No description"}</p>
          <div className="badges">
            <EnabledBadge enabled={d.enabled} reason={d.disabled_reason} />
            <HealthBadge health={d.health} />
            <span className="mono muted">{d.id}</span>
          </div>
          {!d.enabled && d.disabled_reason && (
            <p className="note">Disabled automatically: {d.disabled_reason}</p>
          )}
        </div>
        <div className="actions">
          <Link className="button" href={`/destinations/${d.id}/edit`}>
            Edit
          </Link>
          <EnableToggle target={d} onChange={replace} />
          <DeleteButton
            targetId={d.id}
            noun="destination"
            onDeleted={() => navigate("/destinations", { replace: true })}
          />
        </div>
      </div>
      {flash && showFlash && (
        <Notice kind={flash.kind} onDismiss={() => setShowFlash(false)}>
          <p>{flash.message}</p>
        </Notice>
      )}
      {destination.state === "error" && (
        <ErrorState title="Could not refresh the destination" error={destination.error} onRetry={reload} />
      )}

      <div className="detail-grid">
        <TestPanel
          targetId={d.id}
          description="Emails the catalog example of an event type to the recipients now, through the mail server."
          onSent={refreshDeliveries}
        />
        <ReplayPanel
          targetId={d.id}
          description="Emails every failed delivery created since a date again."
          onReplayed={refreshDeliveries}
        />
      </div>

      <DestinationSettings destination={d} />

      <DeliveriesTable webhookId={d.id} protocol="SMTP" selected={delivery} version={deliveriesVersion} />
      {delivery && (
        <DeliveryInspector
          key={delivery}
          id={delivery}
          onClose={() => navigate(`/destinations/${d.id}`, { replace: true })}
          onChanged={refreshDeliveries}
        />
      )}
    </>
  );
}
