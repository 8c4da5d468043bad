import { useEffect, useState } from "react";
import { Link } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { clearFlash, peekFlash } from "../../ui/flash";
import { formatTime } from "../../ui/format";
import { useApi, useResource } from "../../ui/hooks";
import { CustomFieldList } from "../records/CustomFieldList";
import { DeleteRecord } from "../records/DeleteRecord";
import { useCaseTypes, useCustomFields } from "../records/settings";
import { Timeline } from "../records/Timeline";
import { type Case, type Client, clientName } from "../records/types";
import { caseTypeLabel, statusLabel, substatusLabel } from "./vocabulary";

export function CaseDetail({ id }: { id: string }) {
  const call = useApi();
  const [record, reload] = useResource(`case:${id}`, (signal) =>
    call<Case>("GET", `/v1/cases/${id}`, undefined, signal),
  );
  const [client] = useResource(`case-client:${record.data?.client_id ?? ""}`, (signal) =>
    record.data
      ? call<Client>("GET", `/v1/clients/${record.data.client_id}`, undefined, signal)
      : Promise.resolve(null),
  );
  const [caseTypes] = useCaseTypes();
  const [fields] = useCustomFields();
  const [flash] = useState(() => peekFlash(id));
  const [showFlash, setShowFlash] = useState(true);
  useEffect(() => clearFlash(id), [id]);

  const back = (
    <Link href="/cases" className="back-link">
      ← All cases
    </Link>
  );
  if (record.state === "error" && !record.data)
    return (
      <>
        {back}
        <ErrorState title="Could not load the case" error={record.error} onRetry={reload} />
      </>
    );
  if (!record.data)
    return (
      <>
        {back}
        <Loading label="Loading the case…" />
      </>
    );
  const c = record.data;
  const types = caseTypes.data?.case_types ?? [];
  const sub = substatusLabel(types, c.case_type, c.status, c.substatus);
  return (
    <>
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1>{c.title || "Untitled case"}</h1>
          <p>
            Client:{" "}
            <Link href={`/clients/${c.client_id}`}>
              {client.data ? clientName(client.data) : c.client_id}
            </Link>
          </p>
          <div className="badges">
            <span className="badge badge-pending" data-testid="case-status">
              {statusLabel(types, c.case_type, c.status)}
              {sub ? ` · ${sub}` : ""}
            </span>
            <span className="mono muted">{c.id}</span>
            <span className="muted">
              version {c.version} · updated {formatTime(c.updated_at)}
            </span>
          </div>
        </div>
        <div className="actions">
          <Link className="button button-primary" href={`/cases/${c.id}/edit`}>
            Edit case
          </Link>
          <DeleteRecord path={`/v1/cases/${c.id}`} noun="case" after={`/clients/${c.client_id}`} />
        </div>
      </div>
      {flash && showFlash && (
        <Notice kind={flash.kind} onDismiss={() => setShowFlash(false)}>
          <p>{flash.message}</p>
        </Notice>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="case-details-title">
          <h2 id="case-details-title">Details</h2>
          <dl className="kv">
            <Row label="Case type" value={caseTypeLabel(types, c.case_type)} />
            <Row label="Incident date" value={c.incident_date} />
            <Row label="Campaign" value={c.campaign_id} />
            <Row label="Call" value={c.call_id} />
            <Row label="Source" value={c.source} />
            <Row label="Opened" value={formatTime(c.created_at)} />
          </dl>
          {c.description && <p className="pre-line">{c.description}</p>}
        </section>
        <section className="card" aria-labelledby="case-custom-title">
          <h2 id="case-custom-title">Custom fields</h2>
          <CustomFieldList values={c.custom_fields} fields={fields.data?.cases ?? []} />
        </section>
        <section className="card" aria-labelledby="case-external-title">
          <h2 id="case-external-title">External ids</h2>
          {Object.keys(c.external_ids).length === 0 ? (
            <p className="muted">Not linked to another system.</p>
          ) : (
            <dl className="kv">
              {Object.entries(c.external_ids).map(([connection, externalId]) => (
                <Row key={connection} label={connection} value={externalId} />
              ))}
            </dl>
          )}
        </section>
      </div>
      <Timeline path={`/v1/cases/${c.id}`} version={c.version} />
    </>
  );
}

function Row({ label, value }: { label: string; value: string | null }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd>{value || "—"}</dd>
    </div>
  );
}
