/** Deletes a target after a confirmation; its deliveries and attempts stay in the log. */
import { useState } from "react";
import { errorMessage } from "../../../api";
import { useApi } from "../../../ui/hooks";
import { targetApi } from "../paths";

export function DeleteButton({
  targetId,
  noun,
  onDeleted,
}: {
  targetId: string;
  /** "destination", "webhook". */
  noun: string;
  onDeleted: () => void;
}) {
  const call = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("DELETE", targetApi(targetId));
      onDeleted();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  if (!confirming)
    return (
      <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  return (
    <div className="confirm">
      <p>Delete this {noun}? No more events go to it; its delivery log is kept.</p>
      <div className="actions">
        <button type="button" className="button button-danger" onClick={remove} disabled={busy}>
          {busy ? "Deleting…" : "Yes, delete"}
        </button>
        <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
