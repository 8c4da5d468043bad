import { useEffect, useState } from "react";
import type { Page } from "../../../api";
import { navigate } from "../../../router";
import { ErrorState, Loading, Notice } from "../../../ui/elements";
import { Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";
import { DeliveriesTable } from "../../deliveries/DeliveriesTable";
import { DeliveryInspector } from "../../deliveries/DeliveryInspector";
import { stateBadge } from "./logic";
import type { CrmConnection, CrmRun, CrmStatusAnswer } from "./types";

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : "—");

/** The connection's status, "Sync now", its runs (with errors and conflicts) and its deliveries. */
export function ActivityTab({
  connection,
  delivery,
}: {
  connection: CrmConnection;
  delivery: string | null;
}) {
  const call = useApi();
  const base = `/v1/crm/connections/${connection.id}`;
  const [tick, setTick] = useState(0);
  const [status, reloadStatus] = useResource(`crm-status:${connection.id}:${tick}`, (signal) =>
    call<CrmStatusAnswer>("GET", `${base}/status`, undefined, signal),
  );
  const [runs, reloadRuns] = useResource(`crm-runs:${connection.id}:${tick}`, (signal) =>
    call<Page<CrmRun>>("GET", `${base}/runs?limit=20`, undefined, signal),
  );
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const [syncError, setSyncError] = useState<unknown>(null);
  // The run "Sync now" started (its 202 answer), until the runs list shows it finished.
  const [awaiting, setAwaiting] = useState<string | null>(null);
  const awaitedRun = runs.data?.data.find((r) => r.id === awaiting);
  const awaitedDone = runs.state === "ready" && awaitedRun !== undefined && awaitedRun.finished_at !== null;
  const running =
    status.data?.state === "syncing" ||
    runs.data?.data.some((r) => r.finished_at === null) ||
    (awaiting !== null && !awaitedDone);

  // While a sync runs, look again every couple of seconds (each look schedules the next).
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-arms the timer after each look.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((t) => t + 1), 1500);
    return () => clearTimeout(timer);
  }, [running, tick]);
  useEffect(() => {
    if (awaitedDone) setAwaiting(null);
  }, [awaitedDone]);

  const syncNow = async () => {
    setSyncError(null);
    try {
      const run = await call<CrmRun>("POST", `${base}/sync`, {});
      setAwaiting(run.id);
      setTick((t) => t + 1);
    } catch (error) {
      setSyncError(error);
    }
  };

  return (
    <>
      <Section title="Status">
        {status.state === "error" && (
          <ErrorState title="Could not load the status" error={status.error} onRetry={reloadStatus} />
        )}
        {!status.data && status.state === "loading" && <Loading label="Loading the status…" />}
        {status.data && (
          <dl className="kv-grid" aria-label="Sync status">
            <div>
              <dt>State</dt>
              <dd>
                <span className={stateBadge(status.data.state).className}>
                  {stateBadge(status.data.state).label}
                </span>
              </dd>
            </div>
            <div>
              <dt>Last sync</dt>
              <dd>{when(status.data.last_sync_at)}</dd>
            </div>
            <div>
              <dt>Records synced</dt>
              <dd>{status.data.records_synced}</dd>
            </div>
            <div>
              <dt>Pending pushes</dt>
              <dd>{status.data.pending}</dd>
            </div>
            <div>
              <dt>Errors (24 h)</dt>
              <dd>{status.data.errors}</dd>
            </div>
          </dl>
        )}
        {syncError !== null && <ErrorState title="The sync did not start" error={syncError} />}
        {awaiting && <Notice kind="info">Sync started; the run appears below when it finishes.</Notice>}
        <button type="button" className="button button-primary" onClick={() => void syncNow()}>
          Sync now
        </button>
      </Section>
      <Section title="Runs">
        {runs.state === "error" && (
          <ErrorState title="Could not load the runs" error={runs.error} onRetry={reloadRuns} />
        )}
        {runs.data && runs.data.data.length === 0 && <p className="muted">No runs yet.</p>}
        {runs.data && runs.data.data.length > 0 && <RunsTable runs={runs.data.data} />}
      </Section>
      <DeliveriesTable webhookId={connection.id} selected={delivery} version={deliveriesVersion} />
      {delivery && (
        <DeliveryInspector
          key={delivery}
          id={delivery}
          onClose={() => navigate(`/integrations/crm/${connection.id}?tab=activity`, { replace: true })}
          onChanged={() => setDeliveriesVersion((v) => v + 1)}
        />
      )}
    </>
  );
}

function RunsTable({ runs }: { runs: readonly CrmRun[] }) {
  return (
    <table className="table" aria-label="Sync runs">
      <thead>
        <tr>
          <th>Started</th>
          <th>Finished</th>
          <th>Mode</th>
          <th>Status</th>
          <th>Pulled</th>
          <th>Pushed</th>
          <th>Conflicts</th>
          <th>Errors</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id}>
            <td>{when(run.started_at)}</td>
            <td>{when(run.finished_at)}</td>
            <td>{run.mode}</td>
            <td>{run.status}</td>
            <td>{run.pulled}</td>
            <td>{run.pushed}</td>
            <td>
              {run.conflicts}
              {run.conflict_list.length > 0 && (
                <ul>
                  {run.conflict_list.map((c) => (
                    <li key={`${c.platform_id}:${c.at}`}>
                      {c.platform_id} ↔ {c.crm_id}: {c.winner} won
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              {run.errors.length === 0 ? (
                "0"
              ) : (
                <ul>
                  {run.errors.map((e) => (
                    <li key={`${e.platform_id ?? e.crm_id}:${e.at}`}>
                      {e.platform_id ?? e.crm_id ?? "—"}: {e.message}
                      {e.vendor_message ? ` — the CRM said: ${e.vendor_message}` : ""}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
