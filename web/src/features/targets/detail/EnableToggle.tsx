/** Enables or disables a target (webhook or destination) with one PATCH. */
import { useState } from "react";
import { errorMessage, type Health } from "../../../api";
import { useApi } from "../../../ui/hooks";
import { targetApi } from "../paths";

interface Toggleable {
  id: string;
  enabled: boolean;
  health?: Health;
}

export function EnableToggle<T extends Toggleable>({
  target,
  onChange,
}: {
  target: T;
  onChange: (updated: T) => void;
}) {
  const call = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await call<T>("PATCH", targetApi(target.id), { enabled: !target.enabled });
      // The PATCH answer carries no health: keep the one on screen.
      onChange({ ...target, ...updated, health: updated.health ?? target.health });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={toggle} disabled={busy}>
        {busy ? "Saving…" : target.enabled ? "Disable" : "Enable"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
