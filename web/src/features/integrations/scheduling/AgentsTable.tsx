import { useState } from "react";
import { ErrorState, Loading } from "../../../ui/elements";
import { useApi, useResource } from "../../../ui/hooks";
import type { SchedulingAgent } from "./types";

/** Each agent's booking toggle and Cal.com event type (checked with Cal.com when saved). */
export function AgentsTable() {
  const call = useApi();
  const [resource, reload] = useResource("scheduling-agents", (signal) =>
    call<{ data: SchedulingAgent[] }>("GET", "/v1/scheduling/agents", undefined, signal),
  );
  return (
    <div className="scheduling-part">
      <h3>Agents</h3>
      {resource.state === "error" && (
        <ErrorState title="Could not load the agents" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading agents…" />}
      {resource.data && (
        <table className="table">
          <caption className="visually-hidden">Agents' booking settings</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Booking</th>
              <th scope="col">Event type id</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {resource.data.data.map((agent) => (
              <AgentRow key={`${agent.agent_id}-${agent.updated_at}`} initial={agent} onSaved={reload} />
            ))}
            <AgentRow key={`new-${resource.data.data.length}`} initial={null} onSaved={reload} />
          </tbody>
        </table>
      )}
    </div>
  );
}

function AgentRow({ initial, onSaved }: { initial: SchedulingAgent | null; onSaved: () => void }) {
  const call = useApi();
  const [agentId, setAgentId] = useState(initial?.agent_id ?? "");
  const [enabled, setEnabled] = useState(initial?.booking_enabled ?? true);
  const [eventType, setEventType] = useState(initial?.event_type_id ? String(initial.event_type_id) : "");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const rowId = initial?.agent_id ?? "new";
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("PUT", `/v1/scheduling/agents/${encodeURIComponent(agentId.trim())}`, {
        booking_enabled: enabled,
        event_type_id: eventType.trim() === "" ? null : Number(eventType),
      });
      onSaved();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <>
      <tr>
        <td>
          {initial ? (
            <code>{initial.agent_id}</code>
          ) : (
            <input
              type="text"
              aria-label="New agent id"
              placeholder="agt_…"
              value={agentId}
              onChange={(e) => setAgentId(e.target.value)}
            />
          )}
        </td>
        <td>
          <label className="choice">
            <input
              type="checkbox"
              checked={enabled}
              aria-label={`Booking enabled for ${agentId || "the new agent"}`}
              onChange={(e) => setEnabled(e.target.checked)}
            />
            {enabled ? "On" : "Off"}
          </label>
        </td>
        <td>
          <input
            type="text"
            aria-label={`Event type id for ${agentId || "the new agent"}`}
            inputMode="numeric"
            value={eventType}
            onChange={(e) => setEventType(e.target.value.replace(/\D/g, ""))}
          />
          {initial?.event_type?.title && <span className="muted"> {initial.event_type.title}</span>}
        </td>
        <td>
          <button
            type="button"
            className="button button-small"
            data-agent={rowId}
            disabled={busy || agentId.trim() === ""}
            onClick={() => void save()}
          >
            {initial ? "Save" : "Add agent"}
          </button>
        </td>
      </tr>
      {error !== null && (
        <tr>
          <td colSpan={4}>
            <ErrorState title={`Could not save ${agentId}`} error={error} />
          </td>
        </tr>
      )}
    </>
  );
}
