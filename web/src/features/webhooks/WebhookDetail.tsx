import { useEffect, useState } from "react";
import type { Webhook } from "../../api";
import { Link, navigate } from "../../router";
import { CopyButton, EnabledBadge, ErrorState, HealthBadge, Loading, Notice } from "../../ui/elements";
import { clearFlash, peekFlash } from "../../ui/flash";
import { useApi, useResource } from "../../ui/hooks";
import { WebhookActivityCharts } from "../charts/WebhookActivityCharts";
import { DeliveriesTable } from "../deliveries/DeliveriesTable";
import { DeliveryInspector } from "../deliveries/DeliveryInspector";
import { ReplayPanel } from "../targets/detail/ReplayPanel";
import { TestPanel } from "../targets/detail/TestPanel";
import { ActionBar } from "./detail/ActionBar";
import { SecretPanel } from "./detail/SecretPanel";
import { Settings } from "./detail/Settings";

export function WebhookDetail({ id, delivery }: { id: string; delivery: string | null }) {
  const call = useApi();
  const [webhook, reload, replace] = useResource(`webhook:${id}`, (signal) =>
    call<Webhook>("GET", `/v1/webhooks/${id}`, undefined, signal),
  );
  const [flash] = useState(() => peekFlash(id));
  const [showFlash, setShowFlash] = useState(true);
  useEffect(() => clearFlash(id), [id]);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const refreshDeliveries = () => setDeliveriesVersion((v) => v + 1);

  const back = (
    <Link href="/" className="back-link">
      ← All webhooks
    </Link>
  );
  if (webhook.state === "error" && !webhook.data) {
    return (
      <>
        {back}
        <ErrorState title="Could not load the webhook" error={webhook.error} onRetry={reload} />
      </>
    );
  }
  if (!webhook.data) {
    return (
      <>
        {back}
        <Loading label="Loading the webhook…" />
      </>
    );
  }
  const w = webhook.data;
  return (
    <>
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1 className="url">{w.url}</h1>
          <p className="muted">{w.description || "No description"}</p>
          <div className="badges">
            <EnabledBadge enabled={w.enabled} reason={w.disabled_reason} />
            <HealthBadge health={w.health} />
            <span className="mono muted">{w.id}</span>
          </div>
          {!w.enabled && w.disabled_reason && (
            <p className="note">Disabled automatically: {w.disabled_reason}</p>
          )}
        </div>
        <ActionBar webhook={w} onChange={replace} />
      </div>
      {flash && showFlash && (
        <Notice kind={flash.kind} onDismiss={() => setShowFlash(false)}>
          <p>{flash.message}</p>
          {flash.secret && (
            <p className="secret-line">
              <code data-testid="new-secret">{flash.secret}</code> <CopyButton text={flash.secret} />
            </p>
          )}
        </Notice>
      )}
      {webhook.state === "error" && (
        <ErrorState title="Could not refresh the webhook" error={webhook.error} onRetry={reload} />
      )}

      <div className="detail-grid">
        <TestPanel
          targetId={w.id}
          description="Sends the catalog example of an event type to this endpoint now, signed like a real delivery."
          onSent={refreshDeliveries}
        />
        <SecretPanel webhook={w} onRotated={() => setShowFlash(false)} />
        <ReplayPanel
          targetId={w.id}
          description="Sends every failed delivery created since a date again, with the same webhook-id."
          onReplayed={refreshDeliveries}
        />
      </div>

      <Settings webhook={w} />

      <WebhookActivityCharts webhookId={w.id} version={deliveriesVersion} />

      <DeliveriesTable webhookId={w.id} selected={delivery} version={deliveriesVersion} />
      {delivery && (
        <DeliveryInspector
          key={delivery}
          id={delivery}
          onClose={() => navigate(`/webhooks/${w.id}`, { replace: true })}
          onChanged={refreshDeliveries}
        />
      )}
    </>
  );
}
