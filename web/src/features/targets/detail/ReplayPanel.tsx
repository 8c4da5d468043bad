/** "Replay failed deliveries": re-queues every failed delivery created since a chosen time. */
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../../api";
import { useAllows, useApi } from "../../../ui/hooks";
import { targetApi } from "../paths";

/** `datetime-local` value for a time (local clock). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

interface ReplayProps {
  targetId: string;
  /** What a replay sends for this kind of target. */
  description: string;
  onReplayed: () => void;
}

/** Left out where the session may not replay (a portal reads deliveries only). */
export function ReplayPanel(props: ReplayProps) {
  return useAllows("deliveries:write") ? <ReplayForm {...props} /> : null;
}

function ReplayForm({ targetId, description, onReplayed }: ReplayProps) {
  const call = useApi();
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600 * 1000));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ms = Date.parse(since);
    if (since === "" || Number.isNaN(ms)) {
      setResult({ ok: false, text: "Choose the date and time to replay from." });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      const answer = await call<{ replayed: number }>("POST", `${targetApi(targetId)}/replay`, {
        status: "failed",
        since: new Date(ms).toISOString(),
      });
      setResult({
        ok: true,
        text:
          answer.replayed === 0
            ? "No failed deliveries since then."
            : `Re-queued ${answer.replayed} failed deliver${answer.replayed === 1 ? "y" : "ies"}.`,
      });
      onReplayed();
    } catch (caught) {
      setResult({ ok: false, text: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay failed deliveries</h2>
      <p className="muted">{description}</p>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="replay-since">Failed since</label>
          <input
            id="replay-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Replaying…" : "Replay failed"}
        </button>
      </form>
      <div aria-live="polite">
        {result && (
          <p className={result.ok ? "result result-ok" : "field-error"} role={result.ok ? "status" : "alert"}>
            {result.text}
          </p>
        )}
      </div>
    </section>
  );
}
