import { useState } from "react";
import { errorMessage } from "../../api";
import { Link } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { useApi, useResource } from "../../ui/hooks";
import { isMissingRoute } from "../records/settings";
import { type Client, clientName, type Duplicate } from "../records/types";

/**
 * Other clients that share a phone or an email with this one, each with a Merge button that
 * folds it into this client (its phones, emails, cases and history move here; it is removed).
 */
export function DuplicatesPanel({ client, onMerged }: { client: Client; onMerged(merged: Client): void }) {
  const call = useApi();
  const [resource, reload] = useResource(`duplicates:${client.id}:${client.version}`, async (signal) => {
    try {
      return await call<{ data: Duplicate[] }>(
        "GET",
        `/v1/clients/${client.id}/duplicates`,
        undefined,
        signal,
      );
    } catch (error) {
      if (isMissingRoute(error)) return null;
      throw error;
    }
  });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const merge = async (from: string) => {
    setBusy(true);
    setProblem(null);
    try {
      // If-Match: the merge is decided on this page's view of the client; a change meanwhile answers 412.
      const merged = await call<Client>(
        "POST",
        `/v1/clients/${client.id}/merge`,
        { from: [from] },
        undefined,
        { "if-match": String(client.version) },
      );
      setConfirming(null);
      onMerged(merged);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">Possible duplicates</h2>
      {resource.state === "error" && (
        <ErrorState title="Could not look for duplicates" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Looking for duplicates…" />}
      {resource.state === "ready" && resource.data === null && (
        <Notice kind="info">This server cannot find or merge duplicates yet.</Notice>
      )}
      {resource.data && resource.data.data.length === 0 && (
        <p className="muted">No other client shares a phone number or email with this one.</p>
      )}
      {problem && <Notice kind="error">The merge failed: {problem}</Notice>}
      {resource.data && resource.data.data.length > 0 && (
        <ul className="stack">
          {resource.data.data.map(({ client: other, matched_on }) => (
            <li key={other.id}>
              <Link href={`/clients/${other.id}`}>{clientName(other)}</Link>{" "}
              <span className="muted">
                same {matched_on.join(" and ")} · {other.phones[0]?.number ?? other.emails[0] ?? other.id}
              </span>{" "}
              {confirming === other.id ? (
                <span className="inline">
                  <span>
                    Merge {clientName(other)} into {clientName(client)}? Its details and cases move here and
                    it is removed.
                  </span>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    disabled={busy}
                    onClick={() => merge(other.id)}
                  >
                    {busy ? "Merging…" : "Confirm merge"}
                  </button>
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    onClick={() => setConfirming(null)}
                  >
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" className="button button-small" onClick={() => setConfirming(other.id)}>
                  Merge
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
