import { type ChangeEvent, useState } from "react";
import { errorMessage } from "../../api";
import { Notice } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi } from "../../ui/hooks";
import { isMissingRoute, useCustomFields } from "../records/settings";
import type { ImportFormat, ImportObject, ImportPreview, ImportRun } from "../records/types";
import { cellOf, formatOfName, mappableFields } from "./fields";
import { ImportProgress } from "./ImportProgress";

/**
 * Import clients or cases from a CSV or JSON-lines file: preview the first rows, map each column
 * to a field (prefilled from the server's suggestions), try it as a dry run, then run it and
 * watch it progress.
 */
export function ImportPage() {
  const call = useApi();
  const [customFields] = useCustomFields();
  const [object, setObject] = useState<ImportObject>("clients");
  const [format, setFormat] = useState<ImportFormat>("csv");
  const [data, setData] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [columns, setColumns] = useState<Record<string, string>>({});
  const [emitEvents, setEmitEvents] = useState(true);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [unsupported, setUnsupported] = useState(false);
  const [runs, setRuns] = useState<ImportRun[]>([]);

  const resetPreview = () => {
    setPreview(null);
    setRuns([]);
  };
  const pickFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    const byName = formatOfName(file.name);
    if (byName) setFormat(byName);
    setData(await file.text());
    resetPreview();
  };

  const loadPreview = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await call<ImportPreview>("POST", "/v1/imports/preview", { format, data, object });
      setPreview(answer);
      setColumns(
        Object.fromEntries(answer.headers.map((header) => [header, answer.suggested_columns[header] ?? ""])),
      );
      setRuns([]);
    } catch (failure) {
      if (isMissingRoute(failure)) setUnsupported(true);
      else setProblem(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const start = async (dryRun: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      // Only mapped columns are sent: a column left on "Skip" is not imported.
      const mapped = Object.fromEntries(Object.entries(columns).filter(([, field]) => field !== ""));
      const run = await call<ImportRun>("POST", "/v1/imports", {
        object,
        format,
        data,
        columns: mapped,
        dry_run: dryRun,
        emit_events: emitEvents,
        all_or_nothing: allOrNothing,
      });
      setRuns((current) => [run, ...current]);
    } catch (failure) {
      if (isMissingRoute(failure)) setUnsupported(true);
      else setProblem(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const fields = preview
    ? mappableFields(
        object,
        (object === "clients" ? customFields.data?.clients : customFields.data?.cases) ?? [],
        preview.suggested_columns,
      )
    : [];
  const mappedCount = Object.values(columns).filter(Boolean).length;

  return (
    <section aria-labelledby="import-title">
      <div className="page-head">
        <h1 id="import-title">Import</h1>
      </div>
      <p className="muted lead">
        Bring clients or cases in from a spreadsheet (CSV) or JSON lines: preview the first rows, map the
        columns, try a dry run, then import.
      </p>
      {unsupported && <Notice kind="info">This server cannot import yet: it has no import routes.</Notice>}
      <Section title="File">
        <div className="grid-3">
          <div className="field">
            <label htmlFor="imp-object">Records</label>
            <select
              id="imp-object"
              value={object}
              onChange={(e) => {
                setObject(e.target.value as ImportObject);
                resetPreview();
              }}
            >
              <option value="clients">Clients</option>
              <option value="cases">Cases</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="imp-format">Format</label>
            <select
              id="imp-format"
              value={format}
              onChange={(e) => {
                setFormat(e.target.value as ImportFormat);
                resetPreview();
              }}
            >
              <option value="csv">CSV (first row is the header)</option>
              <option value="jsonl">JSON lines (one object per line)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="imp-file">Upload a file</label>
            <input
              id="imp-file"
              type="file"
              accept=".csv,.jsonl,.ndjson,.txt,text/csv,application/json"
              onChange={pickFile}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor="imp-data">…or paste the contents</label>
          <textarea
            id="imp-data"
            className="mono"
            rows={6}
            value={data}
            placeholder={
              format === "csv"
                ? "first_name,last_name,phone\nAna,Ruiz,(312) 555-0187"
                : '{"first_name":"Ana","phone":"(312) 555-0187"}'
            }
            onChange={(e) => {
              setData(e.target.value);
              setFileName(null);
              resetPreview();
            }}
          />
          {fileName && <p className="hint">From {fileName}.</p>}
        </div>
        {problem && <Notice kind="error">{problem}</Notice>}
        <button
          type="button"
          className="button button-primary"
          disabled={busy || data.trim() === ""}
          onClick={loadPreview}
        >
          {busy && !preview ? "Reading…" : "Preview"}
        </button>
      </Section>

      {preview && (
        <Section
          title="Columns"
          description={`${preview.total_rows} row${preview.total_rows === 1 ? "" : "s"} in the file. Pick the field each column fills; Skip leaves it out.`}
        >
          <div className="scroll-x">
            <table className="table" data-testid="column-mapping">
              <caption className="visually-hidden">Column mapping</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">First values</th>
                  <th scope="col">Field</th>
                </tr>
              </thead>
              <tbody>
                {preview.headers.map((header, index) => (
                  <tr key={header}>
                    <th scope="row">{header}</th>
                    <td className="muted">
                      {preview.rows
                        .slice(0, 3)
                        .map((row) => cellOf(row, header, index))
                        .filter(Boolean)
                        .join(" · ") || "—"}
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`imp-col-${index}`}>
                        Field for {header}
                      </label>
                      <select
                        id={`imp-col-${index}`}
                        value={columns[header] ?? ""}
                        onChange={(e) => setColumns({ ...columns, [header]: e.target.value })}
                      >
                        <option value="">Skip</option>
                        {fields.map((field) => (
                          <option key={field} value={field}>
                            {field}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>First rows</h3>
          <div className="scroll-x">
            <table className="table" data-testid="preview-rows">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  {preview.headers.map((header) => (
                    <th key={header} scope="col">
                      {header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, rowIndex) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: preview rows are positional.
                  <tr key={rowIndex}>
                    <td>{rowIndex + 1}</td>
                    {preview.headers.map((header, index) => (
                      <td key={header}>{cellOf(row, header, index)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label className="choice">
            <input type="checkbox" checked={emitEvents} onChange={(e) => setEmitEvents(e.target.checked)} />
            Send events for imported records (webhooks hear about each one)
          </label>
          <label className="choice">
            <input
              type="checkbox"
              checked={allOrNothing}
              onChange={(e) => setAllOrNothing(e.target.checked)}
            />
            All or nothing: import no row if any row fails
          </label>
          <div className="form-actions">
            <button
              type="button"
              className="button"
              disabled={busy || mappedCount === 0}
              onClick={() => start(true)}
            >
              Dry run
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={busy || mappedCount === 0}
              onClick={() => start(false)}
            >
              Start import
            </button>
            {mappedCount === 0 && <span className="hint">Map at least one column.</span>}
          </div>
        </Section>
      )}
      {runs.map((run) => (
        <ImportProgress key={run.id} initial={run} />
      ))}
    </section>
  );
}
