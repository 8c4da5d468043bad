import { type Static, Type } from "@sinclair/typebox";
import type { CrmCapabilities, CrmField, CrmObject, CrmSchema } from "../../integrations/crm/connector.js";

/**
 * Mappings as data: which platform field goes to which CRM field (and which way), which status
 * (+ substatus) is which CRM status (+ substatus), which case type is which. CRM fields,
 * statuses and case types are named by the ids `GET …/fields` shows (from the CRM's schema).
 */

const Name = Type.String({ minLength: 1, maxLength: 200 });

export const FieldDirectionSchema = Type.Union([
  Type.Literal("to_crm"),
  Type.Literal("from_crm"),
  Type.Literal("both"),
]);
export type FieldDirection = Static<typeof FieldDirectionSchema>;

export const FieldMappingSchema = Type.Object(
  { platform_field: Name, crm_field: Name, direction: FieldDirectionSchema },
  { additionalProperties: false },
);
export type FieldMapping = Static<typeof FieldMappingSchema>;

export const StatusMappingSchema = Type.Object(
  {
    status: Name,
    substatus: Type.Optional(Type.Union([Name, Type.Null()])),
    crm_status: Name,
    crm_substatus: Type.Optional(Type.Union([Name, Type.Null()])),
  },
  { additionalProperties: false },
);
export type StatusMapping = Static<typeof StatusMappingSchema>;

export const CaseTypeMappingSchema = Type.Object(
  { case_type: Name, crm_case_type: Name },
  { additionalProperties: false },
);
export type CaseTypeMapping = Static<typeof CaseTypeMappingSchema>;

export const CrmMappingsSchema = Type.Object(
  {
    send_mappings: Type.Boolean(),
    fields: Type.Array(FieldMappingSchema, { maxItems: 500 }),
    statuses: Type.Array(StatusMappingSchema, { maxItems: 1000 }),
    case_types: Type.Array(CaseTypeMappingSchema, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type CrmMappings = Static<typeof CrmMappingsSchema>;

export const EMPTY_MAPPINGS: CrmMappings = { send_mappings: true, fields: [], statuses: [], case_types: [] };

/** Platform client fields a mapping may name (besides `custom_fields.<key>`). */
export const CLIENT_MAPPABLE = [
  "first_name",
  "last_name",
  "name",
  "phone",
  "email",
  "address.street",
  "address.city",
  "address.state",
  "address.postal_code",
  "date_of_birth",
  "preferred_language",
  "opt_out",
  "source",
] as const;

/** Platform case fields a mapping may name (besides `custom_fields.<key>` and `client.<field>`). */
export const CASE_MAPPABLE = [
  "title",
  "description",
  "incident_date",
  "campaign_id",
  "call_id",
  "source",
] as const;

/** Where a mapping entry went stale, and why (a CRM field, status or case type is gone). */
export interface StaleMapping {
  /** A JSON pointer into the mappings document: `/fields/2`, `/statuses/0`. */
  path: string;
  reason: string;
}

/**
 * Whether a platform field path is one a record of `object` has. On a case, `client.<field>`
 * names the case's client's field (CRMs whose cases carry their contact, such as LawRuler).
 */
export function isPlatformField(object: CrmObject, path: string): boolean {
  if (/^custom_fields\.[A-Za-z0-9_.-]{1,100}$/.test(path)) return true;
  if (object === "client") return (CLIENT_MAPPABLE as readonly string[]).includes(path);
  if (path.startsWith("client.")) return isPlatformField("client", path.slice("client.".length));
  return (CASE_MAPPABLE as readonly string[]).includes(path);
}

/** The CRM field a mapping names, or undefined when the schema has none by that id. */
export function crmFieldOf(schema: CrmSchema, id: string): CrmField | undefined {
  return schema.fields.find((field) => field.id === id);
}

/**
 * Checks mappings against the CRM's loaded schema: every entry whose CRM target or platform
 * field does not exist, or that pushes into a read-only CRM field, is reported. Nothing is
 * dropped: the caller decides (a PUT refuses stale entries; a refresh keeps them and reports).
 */
export function staleMappings(
  mappings: CrmMappings,
  schema: CrmSchema,
  capabilities: Pick<CrmCapabilities, "objects">,
): StaleMapping[] {
  const stale: StaleMapping[] = [];
  const seen = new Set<string>();
  mappings.fields.forEach((mapping, i) => {
    const path = `/fields/${i}`;
    const field = crmFieldOf(schema, mapping.crm_field);
    if (!field) {
      stale.push({ path, reason: `the CRM has no field "${mapping.crm_field}"` });
      return;
    }
    if (!capabilities.objects.includes(field.object)) {
      stale.push({ path, reason: `the CRM keeps no ${field.object} records` });
      return;
    }
    if (!isPlatformField(field.object, mapping.platform_field)) {
      stale.push({
        path,
        reason: `"${mapping.platform_field}" is not a platform field of a ${field.object}`,
      });
      return;
    }
    if (field.readOnly && mapping.direction !== "from_crm") {
      stale.push({ path, reason: `the CRM field "${field.id}" is read-only: map it from_crm` });
      return;
    }
    const key = `${field.object}:${field.id}`;
    if (seen.has(key)) stale.push({ path, reason: `the CRM field "${field.id}" is mapped twice` });
    seen.add(key);
  });
  mappings.statuses.forEach((mapping, i) => {
    const path = `/statuses/${i}`;
    const status = schema.statuses.find((s) => s.id === mapping.crm_status);
    if (!status) {
      stale.push({ path, reason: `the CRM has no status "${mapping.crm_status}"` });
      return;
    }
    const sub = mapping.crm_substatus ?? null;
    if (sub !== null && !status.substatuses.some((s) => s.id === sub)) {
      stale.push({ path, reason: `the CRM status "${status.id}" has no substatus "${sub}"` });
    }
  });
  mappings.case_types.forEach((mapping, i) => {
    if (!schema.caseTypes.some((t) => t.id === mapping.crm_case_type)) {
      stale.push({ path: `/case_types/${i}`, reason: `the CRM has no case type "${mapping.crm_case_type}"` });
    }
  });
  return stale;
}
