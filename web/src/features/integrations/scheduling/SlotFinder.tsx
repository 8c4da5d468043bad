import { useState } from "react";
import { ErrorState } from "../../../ui/elements";
import { Field } from "../../../ui/fields";
import { useApi } from "../../../ui/hooks";
import { formatInZone } from "./format";
import type { Availability } from "./types";

/** What an agent would be offered: open slots for an agent on a day, in the company's zone. */
export function SlotFinder() {
  const call = useApi();
  const [agentId, setAgentId] = useState("");
  const [day, setDay] = useState("");
  const [result, setResult] = useState<Availability | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const find = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const params = new URLSearchParams({ agent_id: agentId.trim() });
      if (day) params.set("start", day);
      setResult(await call<Availability>("GET", `/v1/scheduling/availability?${params.toString()}`));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="scheduling-part"
      onSubmit={(e) => {
        e.preventDefault();
        void find();
      }}
    >
      <h3>Find a slot</h3>
      <div className="grid-2">
        <Field id="slot-agent" label="Agent id">
          <input
            type="text"
            id="slot-agent"
            value={agentId}
            onChange={(e) => setAgentId(e.target.value)}
            placeholder="agt_…"
          />
        </Field>
        <Field
          id="slot-day"
          label="From"
          optional
          hint="A day; empty means now. Slots for the week after are shown."
        >
          <input
            id="slot-day"
            type="date"
            value={day}
            onChange={(e) => setDay(e.target.value)}
            aria-describedby="slot-day-hint"
          />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy || agentId.trim() === ""}>
          {busy ? "Looking…" : "Find open slots"}
        </button>
      </div>
      {error !== null && <ErrorState title="No availability" error={error} />}
      {result && (
        <div aria-live="polite">
          <p className="muted">
            {result.data.length} open slot{result.data.length === 1 ? "" : "s"} ({result.time_zone})
          </p>
          <ul className="slot-list">
            {result.data.slice(0, 30).map((s) => (
              <li key={s.start}>
                <time dateTime={s.start} title={s.start}>
                  {formatInZone(s.start, result.time_zone)}
                </time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
