import { displayValue } from "./custom-values";
import type { CustomField } from "./types";

/** A record's custom field values, labelled by the tenant's definitions (keys without one as-is). */
export function CustomFieldList({
  values,
  fields,
}: {
  values: Record<string, unknown>;
  fields: readonly CustomField[];
}) {
  const defined = new Map(fields.map((field) => [field.key, field]));
  const keys = [
    ...fields.map((f) => f.key).filter((k) => k in values),
    ...Object.keys(values).filter((k) => !defined.has(k)),
  ];
  if (keys.length === 0) return <p className="muted">No custom field values.</p>;
  return (
    <dl className="kv">
      {keys.map((key) => (
        <div key={key} className="kv-row">
          <dt>{defined.get(key)?.label ?? key}</dt>
          <dd data-field={key}>{displayValue(values[key], defined.get(key))}</dd>
        </div>
      ))}
    </dl>
  );
}
