/** The three mapping tables of the CRM Mappings tab; each row shows its stale reason, if any. */
import type { CaseType } from "../../records/types";
import type { Option } from "./logic";
import type {
  CaseTypeMapping,
  CrmFields,
  CrmMappings,
  FieldDirection,
  FieldMapping,
  StatusMapping,
} from "./types";

type Edit = (change: (m: CrmMappings) => CrmMappings) => void;

const replaceAt = <T,>(list: readonly T[], index: number, value: T): T[] =>
  list.map((item, i) => (i === index ? value : item));
const removeAt = <T,>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

function Choices({ options, placeholder }: { options: readonly Option[]; placeholder: string }) {
  return (
    <>
      <option value="">{placeholder}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}

/** A saved value the options no longer list stays selectable, so a stale row shows what it names. */
const withValue = (options: readonly Option[], value: string | null | undefined): Option[] =>
  value && !options.some((o) => o.value === value)
    ? [...options, { value, label: `${value} (missing)` }]
    : [...options];

function StaleCell({ reason, id }: { reason: string | undefined; id: string }) {
  return reason ? (
    <td>
      <span id={id} className="field-error" role="alert">
        {reason}
      </span>
    </td>
  ) : (
    <td />
  );
}

export function FieldTable({
  rows,
  platformFields,
  crmFields,
  stale,
  edit,
}: {
  rows: readonly FieldMapping[];
  platformFields: readonly Option[];
  crmFields: readonly Option[];
  stale: Map<number, string>;
  edit: Edit;
}) {
  const set = (i: number, row: FieldMapping) => edit((m) => ({ ...m, fields: replaceAt(m.fields, i, row) }));
  return (
    <>
      <table className="table" aria-label="Field mappings">
        <thead>
          <tr>
            <th>Platform field</th>
            <th>CRM field</th>
            <th>Direction</th>
            <th>Problem</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the mappings document.
            <tr key={i} className={stale.has(i) ? "row-invalid" : undefined}>
              <td>
                <select
                  aria-label={`Platform field, row ${i + 1}`}
                  value={row.platform_field}
                  onChange={(e) => set(i, { ...row, platform_field: e.target.value })}
                >
                  <Choices options={withValue(platformFields, row.platform_field)} placeholder="Choose…" />
                </select>
              </td>
              <td>
                <select
                  aria-label={`CRM field, row ${i + 1}`}
                  value={row.crm_field}
                  aria-invalid={stale.has(i) ? true : undefined}
                  aria-describedby={stale.has(i) ? `stale-fields-${i}` : undefined}
                  onChange={(e) => set(i, { ...row, crm_field: e.target.value })}
                >
                  <Choices options={withValue(crmFields, row.crm_field)} placeholder="Choose…" />
                </select>
              </td>
              <td>
                <select
                  aria-label={`Direction, row ${i + 1}`}
                  value={row.direction}
                  onChange={(e) => set(i, { ...row, direction: e.target.value as FieldDirection })}
                >
                  <option value="both">Both ways</option>
                  <option value="to_crm">To CRM</option>
                  <option value="from_crm">From CRM</option>
                </select>
              </td>
              <StaleCell reason={stale.get(i)} id={`stale-fields-${i}`} />
              <td>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => edit((m) => ({ ...m, fields: removeAt(m.fields, i) }))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="button"
        onClick={() =>
          edit((m) => ({
            ...m,
            fields: [...m.fields, { platform_field: "", crm_field: "", direction: "both" }],
          }))
        }
      >
        Add field mapping
      </button>
    </>
  );
}

/** Our statuses (every case type's, deduplicated by key) with their substatuses. */
function ourStatuses(
  caseTypes: readonly CaseType[],
): Array<{ key: string; label: string; substatuses: Option[] }> {
  const seen = new Map<string, { key: string; label: string; substatuses: Option[] }>();
  for (const type of caseTypes) {
    for (const status of type.statuses) {
      const entry = seen.get(status.key) ?? { key: status.key, label: status.label, substatuses: [] };
      for (const sub of status.substatuses) {
        if (!entry.substatuses.some((s) => s.value === sub.key))
          entry.substatuses.push({ value: sub.key, label: sub.label });
      }
      seen.set(status.key, entry);
    }
  }
  return [...seen.values()];
}

export function StatusTable({
  rows,
  caseTypes,
  crm,
  stale,
  edit,
}: {
  rows: readonly StatusMapping[];
  caseTypes: readonly CaseType[];
  crm: CrmFields;
  stale: Map<number, string>;
  edit: Edit;
}) {
  const ours = ourStatuses(caseTypes);
  const statusOptions = ours.map((s) => ({ value: s.key, label: s.label }));
  const crmStatuses = crm.statuses.map((s) => ({ value: s.id, label: s.label }));
  const set = (i: number, row: StatusMapping) =>
    edit((m) => ({ ...m, statuses: replaceAt(m.statuses, i, row) }));
  return (
    <>
      <table className="table" aria-label="Status mappings">
        <thead>
          <tr>
            <th>Status</th>
            <th>Substatus</th>
            <th>CRM status</th>
            <th>CRM substatus</th>
            <th>Problem</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const subs = ours.find((s) => s.key === row.status)?.substatuses ?? [];
            const crmSubs = (crm.statuses.find((s) => s.id === row.crm_status)?.substatuses ?? []).map(
              (s) => ({
                value: s.id,
                label: s.label,
              }),
            );
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the mappings document.
              <tr key={i} className={stale.has(i) ? "row-invalid" : undefined}>
                <td>
                  <select
                    aria-label={`Status, row ${i + 1}`}
                    value={row.status}
                    onChange={(e) => set(i, { ...row, status: e.target.value, substatus: null })}
                  >
                    <Choices options={withValue(statusOptions, row.status)} placeholder="Choose…" />
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`Substatus, row ${i + 1}`}
                    value={row.substatus ?? ""}
                    onChange={(e) => set(i, { ...row, substatus: e.target.value || null })}
                  >
                    <Choices options={withValue(subs, row.substatus)} placeholder="Any" />
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`CRM status, row ${i + 1}`}
                    value={row.crm_status}
                    aria-invalid={stale.has(i) ? true : undefined}
                    onChange={(e) => set(i, { ...row, crm_status: e.target.value, crm_substatus: null })}
                  >
                    <Choices options={withValue(crmStatuses, row.crm_status)} placeholder="Choose…" />
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`CRM substatus, row ${i + 1}`}
                    value={row.crm_substatus ?? ""}
                    onChange={(e) => set(i, { ...row, crm_substatus: e.target.value || null })}
                  >
                    <Choices options={withValue(crmSubs, row.crm_substatus)} placeholder="None" />
                  </select>
                </td>
                <StaleCell reason={stale.get(i)} id={`stale-statuses-${i}`} />
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => edit((m) => ({ ...m, statuses: removeAt(m.statuses, i) }))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        className="button"
        onClick={() => edit((m) => ({ ...m, statuses: [...m.statuses, { status: "", crm_status: "" }] }))}
      >
        Add status mapping
      </button>
    </>
  );
}

export function CaseTypeTable({
  rows,
  caseTypes,
  crm,
  stale,
  edit,
}: {
  rows: readonly CaseTypeMapping[];
  caseTypes: readonly CaseType[];
  crm: CrmFields;
  stale: Map<number, string>;
  edit: Edit;
}) {
  const ours = caseTypes.map((t) => ({ value: t.key, label: t.label }));
  const theirs = crm.case_types.map((t) => ({ value: t.id, label: t.label }));
  const set = (i: number, row: CaseTypeMapping) =>
    edit((m) => ({ ...m, case_types: replaceAt(m.case_types, i, row) }));
  return (
    <>
      <table className="table" aria-label="Case type mappings">
        <thead>
          <tr>
            <th>Case type</th>
            <th>CRM case type</th>
            <th>Problem</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the mappings document.
            <tr key={i} className={stale.has(i) ? "row-invalid" : undefined}>
              <td>
                <select
                  aria-label={`Case type, row ${i + 1}`}
                  value={row.case_type}
                  onChange={(e) => set(i, { ...row, case_type: e.target.value })}
                >
                  <Choices options={withValue(ours, row.case_type)} placeholder="Choose…" />
                </select>
              </td>
              <td>
                <select
                  aria-label={`CRM case type, row ${i + 1}`}
                  value={row.crm_case_type}
                  aria-invalid={stale.has(i) ? true : undefined}
                  onChange={(e) => set(i, { ...row, crm_case_type: e.target.value })}
                >
                  <Choices options={withValue(theirs, row.crm_case_type)} placeholder="Choose…" />
                </select>
              </td>
              <StaleCell reason={stale.get(i)} id={`stale-case-types-${i}`} />
              <td>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => edit((m) => ({ ...m, case_types: removeAt(m.case_types, i) }))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="button"
        onClick={() =>
          edit((m) => ({ ...m, case_types: [...m.case_types, { case_type: "", crm_case_type: "" }] }))
        }
      >
        Add case type mapping
      </button>
    </>
  );
}
