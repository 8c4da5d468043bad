import { useState } from "react";
import type { Page } from "../../../api";
import { CodeBlock, ErrorState, Notice } from "../../../ui/elements";
import { Field, Section } from "../../../ui/fields";
import { useApi, useResource } from "../../../ui/hooks";
import type { Case, Client } from "../../records/types";
import type { CrmPreview, CrmTestSend } from "./types";

type RecordKind = "client" | "case";

const clientLabel = (c: Client) => [c.first_name, c.last_name].filter(Boolean).join(" ") || c.id;

/**
 * "Test with a sample record": the exact write a push of a chosen client or case would make
 * (nothing sent), and a real test send with every request and answer.
 */
export function SampleRecord({
  connectionId,
  objects,
}: {
  connectionId: string;
  objects: readonly string[];
}) {
  const call = useApi();
  const kinds = (["case", "client"] as const).filter((k) => objects.includes(k));
  const [kind, setKind] = useState<RecordKind>(kinds[0] ?? "case");
  const [recordId, setRecordId] = useState("");
  const [records, reload] = useResource(
    `crm-sample:${kind}`,
    async (signal): Promise<Array<{ id: string; label: string }>> => {
      if (kind === "client") {
        const page = await call<Page<Client>>("GET", "/v1/clients?limit=50", undefined, signal);
        return page.data.map((c) => ({ id: c.id, label: clientLabel(c) }));
      }
      const page = await call<Page<Case>>("GET", "/v1/cases?limit=50", undefined, signal);
      return page.data.map((c) => ({ id: c.id, label: c.title ? `${c.title} (${c.id})` : c.id }));
    },
  );
  const [preview, setPreview] = useState<CrmPreview | null>(null);
  const [sent, setSent] = useState<CrmTestSend | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosen = recordId || records.data?.[0]?.id || "";

  const run = async (what: "preview" | "test-send") => {
    if (!chosen) return;
    if (what === "test-send" && !window.confirm("Send this record to the CRM now? This is a real write."))
      return;
    setBusy(true);
    setFailure(null);
    setPreview(null);
    setSent(null);
    try {
      const body = { object: kind, id: chosen };
      if (what === "preview")
        setPreview(await call<CrmPreview>("POST", `/v1/crm/connections/${connectionId}/preview`, body));
      else setSent(await call<CrmTestSend>("POST", `/v1/crm/connections/${connectionId}/test-send`, body));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Test with a sample record" description="See the exact write before anything is sent.">
      {kinds.length > 1 && (
        <Field id="sample-kind" label="Record kind">
          <select
            id="sample-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as RecordKind);
              setRecordId("");
            }}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k === "case" ? "Case" : "Client"}
              </option>
            ))}
          </select>
        </Field>
      )}
      {records.state === "error" && (
        <ErrorState title="Could not load the records" error={records.error} onRetry={reload} />
      )}
      <Field id="sample-record" label={kind === "case" ? "Sample case" : "Sample client"}>
        <select id="sample-record" value={chosen} onChange={(e) => setRecordId(e.target.value)}>
          {(records.data ?? []).length === 0 && <option value="">No {kind}s yet</option>}
          {(records.data ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </Field>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={busy || !chosen}
          onClick={() => void run("preview")}
        >
          Preview the request
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !chosen}
          onClick={() => void run("test-send")}
        >
          Send a test
        </button>
      </div>
      {failure !== null && <ErrorState title="The CRM test did not work" error={failure} />}
      {preview && (
        <section aria-label="Preview">
          <p>
            A push would <strong>{preview.operation}</strong>{" "}
            {preview.crm_id ? `the CRM record ${preview.crm_id}` : "a new CRM record"}
            {preview.send_mappings ? "." : " — but sending is off, so nothing would be sent."}
          </p>
          <CodeBlock label="The write (CRM fields by id)">{JSON.stringify(preview.write, null, 2)}</CodeBlock>
        </section>
      )}
      {sent && (
        <section aria-label="Test send">
          <Notice kind="success">
            {sent.action}
            {sent.crm_id ? ` — CRM record ${sent.crm_id}` : ""}
            {sent.reason ? ` (${sent.reason})` : ""}
          </Notice>
          {sent.exchanges.map((exchange, i) => (
            <CodeBlock
              // biome-ignore lint/suspicious/noArrayIndexKey: exchanges are in the order they happened.
              key={i}
              label={`${exchange.request.method} ${exchange.request.url} → ${exchange.response?.status ?? exchange.error ?? "no answer"}`}
            >
              {`${exchange.request.body ?? ""}\n\n${exchange.response?.body ?? ""}`}
            </CodeBlock>
          ))}
        </section>
      )}
    </Section>
  );
}
