import { useState } from "react";
import { ErrorState } from "../../ui/elements";
import { formatTime } from "../../ui/format";
import { useApi, useResource } from "../../ui/hooks";
import { type Run, usd } from "./types";

interface ClientEnrichmentAnswer {
  provenance: Record<string, { provider: string; run_id: string; confidence: number; written_at: string }>;
  runs: Run[];
}

const FINISHED = ["found", "not_found", "failed", "skipped_budget", "cached"];

/** "Enrich now" and the client's enrichment history with cost, and where enriched fields came from. */
export function ClientEnrichment({ clientId, onEnriched }: { clientId: string; onEnriched: () => void }) {
  const call = useApi();
  const [generation, setGeneration] = useState(0);
  const [resource, reload] = useResource(`${clientId}:${generation}`, (signal) =>
    call<ClientEnrichmentAnswer>("GET", `/v1/clients/${clientId}/enrichment`, undefined, signal),
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const enrich = async () => {
    setBusy(true);
    setError(null);
    try {
      const run = await call<Run>("POST", `/v1/clients/${clientId}/enrich`, {});
      for (let i = 0; i < 120; i++) {
        const current = await call<Run>("GET", `/v1/enrichment/runs/${run.id}`);
        if (FINISHED.includes(current.status)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      setGeneration((g) => g + 1);
      onEnriched();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const provenance = Object.entries(resource.data?.provenance ?? {});
  return (
    <section className="card" aria-labelledby="enrichment-title">
      <h2 id="enrichment-title">Enrichment</h2>
      <button type="button" className="button" disabled={busy} onClick={enrich}>
        {busy ? "Enriching…" : "Enrich now"}
      </button>
      {error !== null && <ErrorState title="Could not enrich" error={error} />}
      {resource.state === "error" && (
        <ErrorState title="Could not load the enrichment history" error={resource.error} onRetry={reload} />
      )}
      {provenance.length > 0 && (
        <p className="hint">
          From enrichment:{" "}
          {provenance
            .map(([field, p]) => `${field} (${p.provider}, ${Math.round(p.confidence * 100)} %)`)
            .join(", ")}
        </p>
      )}
      {resource.data && resource.data.runs.length > 0 && (
        <table className="table" aria-label="Enrichment history">
          <thead>
            <tr>
              <th>Date</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Data found</th>
              <th>Cost</th>
            </tr>
          </thead>
          <tbody>
            {resource.data.runs.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.created_at)}</td>
                <td>{r.trigger}</td>
                <td title={r.error ?? undefined}>{r.status}</td>
                <td>{r.fields_found.join(", ") || "—"}</td>
                <td>{usd(r.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
