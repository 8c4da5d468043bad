import { type ReactNode, useState } from "react";
import { ErrorState, Loading, Notice } from "../../ui/elements";
import { Section } from "../../ui/fields";
import { useApi } from "../../ui/hooks";
import { useCaseTypes } from "../records/settings";
import type { CaseType, Status, Substatus } from "../records/types";
import { OrderedItems } from "./OrderedItems";
import { duplicateKey } from "./ordered";
import { SaveStatus } from "./SaveStatus";

/** The tenant's case types, each with its statuses and their substatuses. */
export function CaseTypesEditor() {
  const [resource, reload] = useCaseTypes();
  return (
    <Section
      title="Case types and statuses"
      description="What the case forms offer. Keys are stored on cases and sent to CRMs; labels are what people read."
    >
      {resource.state === "error" && (
        <ErrorState title="Could not load case types" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading case types…" />}
      {resource.state === "ready" && resource.data === null && (
        <Notice kind="info">
          This server does not have case-type settings yet. Cases take any case type and status.
        </Notice>
      )}
      {resource.data && <Editor key={JSON.stringify(resource.data)} initial={resource.data.case_types} />}
    </Section>
  );
}

function Editor({ initial }: { initial: CaseType[] }) {
  const call = useApi();
  const [types, setTypes] = useState<CaseType[]>(initial);
  const [saved, setSaved] = useState<CaseType[]>(initial);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const problem = checkVocabulary(types);
  const save = async () => {
    if (problem) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const answer = await call<{ case_types: CaseType[] }>("PUT", "/v1/settings/case-types", {
        case_types: types,
      });
      setTypes(answer.case_types);
      setSaved(answer.case_types);
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const savedTypes = new Set(saved.map((t) => t.key));
  const savedStatuses = (type: string) =>
    new Set(saved.find((t) => t.key === type)?.statuses.map((s) => s.key));
  const savedSubs = (type: string, status: string) =>
    new Set(
      saved
        .find((t) => t.key === type)
        ?.statuses.find((s) => s.key === status)
        ?.substatuses.map((s) => s.key),
    );

  return (
    <div>
      <OrderedItems<CaseType>
        noun="Case type"
        idPrefix="ct"
        items={types}
        savedKeys={savedTypes}
        onChange={(next) => {
          setTypes(next);
          setDone(false);
        }}
        create={() => ({ key: "", label: "", statuses: [] })}
      >
        {(type, updateType, typeIndex) => (
          <Statuses
            openAtFirst={type.statuses.length === 0 || typeIndex === types.length - 1}
            title={`Statuses of ${type.label || "this case type"} (${type.statuses.length})`}
          >
            <OrderedItems<Status>
              noun="Status"
              idPrefix={`ct-${typeIndex}-st`}
              items={type.statuses}
              savedKeys={savedStatuses(type.key)}
              onChange={(statuses) => updateType({ ...type, statuses })}
              create={() => ({ key: "", label: "", substatuses: [] })}
            >
              {(status, updateStatus, statusIndex) => (
                <OrderedItems<Substatus>
                  noun="Substatus"
                  idPrefix={`ct-${typeIndex}-st-${statusIndex}-sub`}
                  items={status.substatuses}
                  savedKeys={savedSubs(type.key, status.key)}
                  onChange={(substatuses) => updateStatus({ ...status, substatuses })}
                  create={() => ({ key: "", label: "" })}
                />
              )}
            </OrderedItems>
          </Statuses>
        )}
      </OrderedItems>
      {problem && <p className="field-error">{problem}</p>}
      <SaveStatus error={error} saved={done} />
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={busy || problem !== null}
          onClick={save}
        >
          {busy ? "Saving…" : "Save case types"}
        </button>
      </div>
    </div>
  );
}

/**
 * A case type's statuses, folded or not. Whether it starts open is decided once: deriving `open`
 * on every render closed the list under the person adding a status to it.
 */
function Statuses({
  openAtFirst,
  title,
  children,
}: {
  openAtFirst: boolean;
  title: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(openAtFirst);
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{title}</summary>
      {children}
    </details>
  );
}

/** What must be fixed before saving: empty labels or keys, keys used twice in one list. */
function checkVocabulary(types: CaseType[]): string | null {
  const lists: Array<{ where: string; items: Array<{ key: string; label: string }> }> = [
    { where: "case types", items: types },
    ...types.flatMap((t) => [
      { where: `statuses of ${t.label || t.key}`, items: t.statuses },
      ...t.statuses.map((s) => ({ where: `substatuses of ${s.label || s.key}`, items: s.substatuses })),
    ]),
  ];
  for (const { where, items } of lists) {
    if (items.some((i) => i.label.trim() === "" || i.key.trim() === ""))
      return `Every entry in ${where} needs a label and a key.`;
    const twice = duplicateKey(items);
    if (twice) return `The key “${twice}” appears twice in ${where}.`;
  }
  return null;
}
