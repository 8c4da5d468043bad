/** The webhook page's header actions: edit, and enable or disable. */
import { useState } from "react";
import { errorMessage, type Webhook } from "../../../api";
import { Link } from "../../../router";
import { useApi } from "../../../ui/hooks";

export function ActionBar({ webhook, onChange }: { webhook: Webhook; onChange: (w: Webhook) => void }) {
  return (
    <div className="actions">
      <Link className="button" href={`/webhooks/${webhook.id}/edit`}>
        Edit
      </Link>
      <EnableToggle webhook={webhook} onChange={onChange} />
    </div>
  );
}

function EnableToggle({ webhook, onChange }: { webhook: Webhook; onChange: (w: Webhook) => void }) {
  const call = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await call<Webhook>("PATCH", `/v1/webhooks/${webhook.id}`, {
        enabled: !webhook.enabled,
      });
      onChange({ ...webhook, ...updated, health: updated.health ?? webhook.health });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={toggle} disabled={busy}>
        {busy ? "Saving…" : webhook.enabled ? "Disable" : "Enable"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
