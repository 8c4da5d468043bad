import { Link } from "../../router";
import { relativeTime } from "../../ui/format";
import type { Case, CaseType } from "../records/types";
import { caseTypeLabel, statusLabel, substatusLabel } from "./vocabulary";

/** Cases as rows: title, type, status (with substatus), incident date, last change. */
export function CaseTable({
  cases,
  caseTypes,
  showClient,
  clientNames = {},
}: {
  cases: Case[];
  caseTypes: readonly CaseType[];
  showClient: boolean;
  clientNames?: Record<string, string>;
}) {
  return (
    <table className="table table-cards">
      <caption className="visually-hidden">Cases</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          {showClient && <th scope="col">Client</th>}
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Incident</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => {
          const sub = substatusLabel(caseTypes, c.case_type, c.status, c.substatus);
          return (
            <tr key={c.id}>
              <td data-label="Case">
                <Link href={`/cases/${c.id}`}>{c.title || c.id}</Link>
              </td>
              {showClient && (
                <td data-label="Client">
                  <Link href={`/clients/${c.client_id}`}>{clientNames[c.client_id] ?? c.client_id}</Link>
                </td>
              )}
              <td data-label="Type">{caseTypeLabel(caseTypes, c.case_type)}</td>
              <td data-label="Status">
                <span className="badge badge-pending">{statusLabel(caseTypes, c.case_type, c.status)}</span>
                {sub && <span className="muted"> · {sub}</span>}
              </td>
              <td data-label="Incident">{c.incident_date ?? "—"}</td>
              <td data-label="Updated">{relativeTime(c.updated_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
