import { useState } from "react";
import { errorMessage } from "../../api";
import { navigate } from "../../router";
import { useApi } from "../../ui/hooks";

/** Delete with a confirmation step; goes to `after` once gone. */
export function DeleteRecord({ path, noun, after }: { path: string; noun: string; after: string }) {
  const call = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    try {
      await call("DELETE", path);
      navigate(after);
    } catch (error) {
      setProblem(errorMessage(error));
      setBusy(false);
    }
  };
  if (!confirming)
    return (
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        Delete {noun}
      </button>
    );
  return (
    <span className="inline">
      <span>Delete this {noun}? This cannot be undone.</span>
      <button type="button" className="button button-danger" disabled={busy} onClick={remove}>
        {busy ? "Deleting…" : `Yes, delete the ${noun}`}
      </button>
      <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
        Keep it
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
