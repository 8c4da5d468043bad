import { useEffect, useState } from "react";
import { errorMessage } from "../../api";
import { Link } from "../../router";
import { useApi } from "../../ui/hooks";
import type { ImportRun } from "../records/types";

const FINISHED = new Set(["completed", "failed"]);

/** An import's progress, read again every moment until it finishes; then its summary and row errors. */
export function ImportProgress({ initial }: { initial: ImportRun }) {
  const call = useApi();
  const [run, setRun] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (FINISHED.has(run.status)) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      call<ImportRun>("GET", `/v1/imports/${run.id}`, undefined, controller.signal).then(
        (next) => {
          setProblem(null);
          setRun(next);
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return;
          setProblem(errorMessage(failure));
          // Try again: a blip in the connection must not freeze the bar.
          setRun((current) => ({ ...current }));
        },
      );
    }, 600);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [run, call]);

  const percent =
    run.total > 0
      ? Math.min(100, Math.round((run.done / run.total) * 100))
      : FINISHED.has(run.status)
        ? 100
        : 0;
  const finished = FINISHED.has(run.status);
  const label = run.dry_run ? "Dry run" : "Import";
  return (
    <section className="card" aria-labelledby={`run-${run.id}`} data-testid="import-run">
      <h2 id={`run-${run.id}`}>
        {label}{" "}
        {finished
          ? run.status === "completed"
            ? "finished"
            : "failed"
          : run.status === "queued"
            ? "queued"
            : "running"}
      </h2>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <p>
        {run.done} of {run.total} rows · {percent}%
      </p>
      {problem && <p className="field-error">Could not read the progress: {problem} (retrying)</p>}
      {finished && (
        <dl className="kv" data-testid="import-summary">
          <div className="kv-row">
            <dt>{run.dry_run ? "Would create" : "Created"}</dt>
            <dd>{run.created}</dd>
          </div>
          <div className="kv-row">
            <dt>{run.dry_run ? "Would update" : "Updated"}</dt>
            <dd>{run.updated}</dd>
          </div>
          <div className="kv-row">
            <dt>Skipped</dt>
            <dd>{run.skipped}</dd>
          </div>
          <div className="kv-row">
            <dt>Failed</dt>
            <dd>{run.failed}</dd>
          </div>
        </dl>
      )}
      {run.errors.length > 0 && (
        <div className="scroll-x">
          <table className="table">
            <caption>Rows with errors (row 1 is the first row after the header)</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {run.errors.map((error) => (
                <tr key={`${error.row}:${error.path}:${error.code}`}>
                  <td>{error.row}</td>
                  <td>
                    <code>{error.path || "—"}</code>
                  </td>
                  <td>
                    {error.message} <span className="muted">({error.code})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {finished && !run.dry_run && run.status === "completed" && (
        <p>
          <Link href={run.object === "clients" ? "/clients" : "/cases"}>See the {run.object}</Link>
        </p>
      )}
    </section>
  );
}
