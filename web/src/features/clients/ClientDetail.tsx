import { useEffect, useState } from "react";
import type { Page } from "../../api";
import { Link } from "../../router";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { clearFlash, peekFlash } from "../../ui/flash";
import { formatTime } from "../../ui/format";
import { useApi, useResource } from "../../ui/hooks";
import { CaseTable } from "../cases/CaseTable";
import { ClientEnrichment } from "../enrichment/ClientEnrichment";
import { CustomFieldList } from "../records/CustomFieldList";
import { DeleteRecord } from "../records/DeleteRecord";
import { useCaseTypes, useCustomFields } from "../records/settings";
import { Timeline } from "../records/Timeline";
import { type Case, type Client, clientName } from "../records/types";
import { DuplicatesPanel } from "./DuplicatesPanel";

export function ClientDetail({ id }: { id: string }) {
  const call = useApi();
  const [client, reload, replace] = useResource(`client:${id}`, (signal) =>
    call<Client>("GET", `/v1/clients/${id}`, undefined, signal),
  );
  const [fields] = useCustomFields();
  const [flash] = useState(() => peekFlash(id));
  const [showFlash, setShowFlash] = useState(true);
  useEffect(() => clearFlash(id), [id]);

  const back = (
    <Link href="/clients" className="back-link">
      ← All clients
    </Link>
  );
  if (client.state === "error" && !client.data)
    return (
      <>
        {back}
        <ErrorState title="Could not load the client" error={client.error} onRetry={reload} />
      </>
    );
  if (!client.data)
    return (
      <>
        {back}
        <Loading label="Loading the client…" />
      </>
    );
  const c = client.data;
  return (
    <>
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1>{clientName(c)}</h1>
          <div className="badges">
            {c.opt_out && <span className="badge badge-muted">Opted out</span>}
            <span className="mono muted">{c.id}</span>
            <span className="muted">
              version {c.version} · updated {formatTime(c.updated_at)}
            </span>
          </div>
        </div>
        <div className="actions">
          <Link className="button button-primary" href={`/clients/${c.id}/edit`}>
            Edit client
          </Link>
          <Link className="button" href={`/cases/new?client_id=${c.id}`}>
            New case
          </Link>
          <DeleteRecord path={`/v1/clients/${c.id}`} noun="client" after="/clients" />
        </div>
      </div>
      {flash && showFlash && (
        <Notice kind={flash.kind} onDismiss={() => setShowFlash(false)}>
          <p>{flash.message}</p>
        </Notice>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="contact-title">
          <h2 id="contact-title">Contact</h2>
          <dl className="kv">
            {c.phones.map((phone) => (
              <div className="kv-row" key={phone.number}>
                <dt>Phone ({phone.type})</dt>
                <dd>
                  <a href={`tel:${phone.number}`}>{phone.number}</a>
                </dd>
              </div>
            ))}
            {c.emails.map((email) => (
              <div className="kv-row" key={email}>
                <dt>Email</dt>
                <dd>
                  <a href={`mailto:${email}`}>{email}</a>
                </dd>
              </div>
            ))}
            {c.addresses.map((a, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: addresses have no id.
              <div className="kv-row" key={index}>
                <dt>Address</dt>
                <dd>
                  {[a.street, a.city, [a.state, a.postal_code].filter(Boolean).join(" ")]
                    .filter(Boolean)
                    .join(", ")}
                </dd>
              </div>
            ))}
          </dl>
          {c.phones.length + c.emails.length + c.addresses.length === 0 && (
            <p className="muted">No contact details.</p>
          )}
        </section>
        <section className="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl className="kv">
            <Row label="Date of birth" value={c.date_of_birth} />
            <Row label="Preferred language" value={c.preferred_language} />
            <Row label="Source" value={c.source} />
            <Row label="Created" value={formatTime(c.created_at)} />
          </dl>
          <h3>External ids</h3>
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
        <section className="card" aria-labelledby="custom-title">
          <h2 id="custom-title">Custom fields</h2>
          <CustomFieldList values={c.custom_fields} fields={fields.data?.clients ?? []} />
        </section>
      </div>
      <ClientCases clientId={c.id} version={c.version} />
      <DuplicatesPanel
        client={c}
        onMerged={(merged) => {
          replace(merged);
          setShowFlash(false);
        }}
      />
      <ClientEnrichment clientId={c.id} onEnriched={reload} />
      <Timeline path={`/v1/clients/${c.id}`} version={c.version} />
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

function ClientCases({ clientId, version }: { clientId: string; version: number }) {
  const call = useApi();
  const [caseTypes] = useCaseTypes();
  const [resource, reload] = useResource(`client-cases:${clientId}:${version}`, (signal) =>
    call<Page<Case>>("GET", `/v1/cases?client_id=${clientId}&limit=50`, undefined, signal),
  );
  return (
    <section className="card" aria-labelledby="client-cases-title">
      <div className="section-head">
        <h2 id="client-cases-title">Cases</h2>
        <Link className="button button-small" href={`/cases?client_id=${clientId}`}>
          All cases of this client
        </Link>
      </div>
      {resource.state === "error" && (
        <ErrorState title="Could not load the cases" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading cases…" />}
      {resource.data && resource.data.data.length === 0 && <p className="muted">No case yet.</p>}
      {resource.data && resource.data.data.length > 0 && (
        <CaseTable
          cases={resource.data.data}
          caseTypes={caseTypes.data?.case_types ?? []}
          showClient={false}
        />
      )}
    </section>
  );
}
