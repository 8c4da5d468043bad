import type {
  CrmField,
  CrmObject,
  CrmRecord,
  CrmSchema,
  CrmWrite,
} from "../../integrations/crm/connector.js";
import type { CaseFields, CasePatch } from "../records/case.js";
import type { ClientFields, ClientPatch } from "../records/client.js";
import { type CrmMappings, crmFieldOf, type FieldMapping } from "./mappings.js";

/**
 * Applying mappings both ways: a platform client or case → the CRM write for it, and a CRM
 * record → the patch of our client and case. Pure; values are converted to the CRM field's type
 * on the way out, and a patch holds only what actually differs.
 */

/** The platform records one CRM record stands for: a client, or a case (with its client). */
export interface PlatformSide {
  client: ClientFields | null;
  case: CaseFields | null;
}

const sends = (m: FieldMapping): boolean => m.direction !== "from_crm";
const reads = (m: FieldMapping): boolean => m.direction !== "to_crm";

/** A platform field's value (see `isPlatformField` for the paths). */
export function platformValue(object: CrmObject, side: PlatformSide, path: string): unknown {
  if (object === "case" && path.startsWith("client.")) {
    return side.client ? clientValue(side.client, path.slice("client.".length)) : null;
  }
  if (object === "client") return side.client ? clientValue(side.client, path) : null;
  return side.case ? caseValue(side.case, path) : null;
}

function clientValue(client: ClientFields, path: string): unknown {
  if (path.startsWith("custom_fields.")) return client.custom_fields[path.slice(14)] ?? null;
  switch (path) {
    case "name": {
      const name = [client.first_name, client.last_name].filter((p) => p !== null).join(" ");
      return name === "" ? null : name;
    }
    case "phone":
      return client.phones[0]?.number ?? null;
    case "email":
      return client.emails[0] ?? null;
    case "address.street":
    case "address.city":
    case "address.state":
    case "address.postal_code": {
      const key = path.slice(8) as "street" | "city" | "state" | "postal_code";
      return client.addresses[0]?.[key] ?? null;
    }
    case "first_name":
    case "last_name":
    case "date_of_birth":
    case "preferred_language":
    case "opt_out":
    case "source":
      return client[path];
    default:
      return null;
  }
}

function caseValue(record: CaseFields, path: string): unknown {
  if (path.startsWith("custom_fields.")) return record.custom_fields[path.slice(14)] ?? null;
  switch (path) {
    case "title":
    case "description":
    case "incident_date":
    case "campaign_id":
    case "call_id":
    case "source":
      return record[path];
    default:
      return null;
  }
}

/** A value as the CRM field holds it: numbers as numbers, text as text, empty as null. */
export function toCrmValue(field: CrmField, value: unknown): unknown {
  if (value === undefined || value === null || value === "") return null;
  switch (field.type) {
    case "number": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "yes" || value === "1" || value === 1) return true;
      if (value === "false" || value === "no" || value === "0" || value === 0) return false;
      return null;
    default:
      return typeof value === "string"
        ? value
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  }
}

/** The CRM status (+ substatus) of a platform status (+ substatus); exact substatus first. */
export function crmStatusOf(
  mappings: CrmMappings,
  status: string,
  substatus: string | null,
): { status: string; substatus: string | null } | null {
  const exact = mappings.statuses.find((m) => m.status === status && (m.substatus ?? null) === substatus);
  const loose = exact ?? mappings.statuses.find((m) => m.status === status && (m.substatus ?? null) === null);
  return loose ? { status: loose.crm_status, substatus: loose.crm_substatus ?? null } : null;
}

/** The platform status (+ substatus) of a CRM status (+ substatus); exact substatus first. */
export function platformStatusOf(
  mappings: CrmMappings,
  crmStatus: string,
  crmSubstatus: string | null,
): { status: string; substatus: string | null } | null {
  const exact = mappings.statuses.find(
    (m) => m.crm_status === crmStatus && (m.crm_substatus ?? null) === crmSubstatus,
  );
  const loose =
    exact ?? mappings.statuses.find((m) => m.crm_status === crmStatus && (m.crm_substatus ?? null) === null);
  return loose ? { status: loose.status, substatus: loose.substatus ?? null } : null;
}

/**
 * The CRM write for a platform record: every field mapped to the CRM (direction to_crm or
 * both) of that CRM object, its case type and status when mapped. With `send_mappings` off,
 * nothing mapped is sent: the write is empty.
 */
export function toCrmWrite(
  object: CrmObject,
  side: PlatformSide,
  mappings: CrmMappings,
  schema: CrmSchema,
): CrmWrite {
  const write: CrmWrite = { object, fields: {} };
  if (!mappings.send_mappings) return write;
  for (const mapping of mappings.fields) {
    if (!sends(mapping)) continue;
    const field = crmFieldOf(schema, mapping.crm_field);
    if (!field || field.object !== object || field.readOnly) continue;
    write.fields[field.id] = toCrmValue(field, platformValue(object, side, mapping.platform_field));
  }
  if (object === "case" && side.case) {
    const type = side.case.case_type;
    const typeMapping = type === null ? undefined : mappings.case_types.find((m) => m.case_type === type);
    if (typeMapping) write.caseType = typeMapping.crm_case_type;
    const status = crmStatusOf(mappings, side.case.status, side.case.substatus);
    if (status) {
      write.status = status.status;
      write.substatus = status.substatus;
    }
  }
  return write;
}

/** What a CRM record says about our records, by platform field path (only mapped, read fields). */
export interface InboundValues {
  client: Record<string, unknown>;
  case: Record<string, unknown>;
  caseType?: string;
  status?: { status: string; substatus: string | null };
}

/** Reads a CRM record through the mappings that read from the CRM (from_crm or both). */
export function fromCrmRecord(record: CrmRecord, mappings: CrmMappings, schema: CrmSchema): InboundValues {
  const values: InboundValues = { client: {}, case: {} };
  for (const mapping of mappings.fields) {
    if (!reads(mapping)) continue;
    const field = crmFieldOf(schema, mapping.crm_field);
    if (!field || field.object !== record.object) continue;
    if (!(field.id in record.fields)) continue;
    const value = record.fields[field.id] ?? null;
    const path = mapping.platform_field;
    if (record.object === "client") values.client[path] = value;
    else if (path.startsWith("client.")) values.client[path.slice(7)] = value;
    else values.case[path] = value;
  }
  if (record.object === "case") {
    const type = record.caseType ?? null;
    const typeMapping = type === null ? undefined : mappings.case_types.find((m) => m.crm_case_type === type);
    if (typeMapping) values.caseType = typeMapping.case_type;
    if (record.status) {
      const status = platformStatusOf(mappings, record.status, record.substatus ?? null);
      if (status) values.status = status;
    }
  }
  return values;
}

const text = (value: unknown): string | null =>
  value === null || value === undefined || value === "" ? null : String(value);

/** The client patch that makes `current` hold `values`; only fields that differ, null when none. */
export function clientPatchOf(current: ClientFields, values: Record<string, unknown>): ClientPatch | null {
  const patch: ClientPatch = {};
  const custom: Record<string, unknown> = { ...current.custom_fields };
  let customChanged = false;
  let address = current.addresses[0] ? { ...current.addresses[0] } : {};
  let addressChanged = false;
  for (const [path, value] of Object.entries(values)) {
    if (path.startsWith("custom_fields.")) {
      const key = path.slice(14);
      const next = value === "" ? null : value;
      if ((custom[key] ?? null) !== next) {
        if (next === null) delete custom[key];
        else custom[key] = next;
        customChanged = true;
      }
      continue;
    }
    switch (path) {
      case "first_name":
      case "last_name":
      case "date_of_birth":
      case "preferred_language":
      case "source":
        if (current[path] !== text(value)) patch[path] = text(value);
        break;
      case "name": {
        const name = text(value);
        const [first, ...rest] = name === null ? [] : name.trim().split(/\s+/);
        const last = rest.length > 0 ? rest.join(" ") : null;
        if (current.first_name !== (first ?? null)) patch.first_name = first ?? null;
        if (current.last_name !== last) patch.last_name = last;
        break;
      }
      case "opt_out": {
        const flag = value === true || value === "true" || value === 1 || value === "1";
        if (current.opt_out !== flag) patch.opt_out = flag;
        break;
      }
      case "phone": {
        const number = text(value);
        const primary = current.phones[0]?.number ?? null;
        if (number !== null && number !== primary) {
          const rest = current.phones.slice(1).filter((p) => p.number !== number);
          patch.phones = [{ number, type: current.phones[0]?.type ?? "other" }, ...rest];
        }
        break;
      }
      case "email": {
        const email = text(value)?.toLowerCase() ?? null;
        if (email !== null && email !== (current.emails[0] ?? null)) {
          patch.emails = [email, ...current.emails.slice(1).filter((e) => e !== email)];
        }
        break;
      }
      case "address.street":
      case "address.city":
      case "address.state":
      case "address.postal_code": {
        const key = path.slice(8) as "street" | "city" | "state" | "postal_code";
        const next = text(value);
        if ((address[key] ?? null) !== next) {
          address = { ...address };
          if (next === null) delete address[key];
          else address[key] = next;
          addressChanged = true;
        }
        break;
      }
      default:
        break;
    }
  }
  if (customChanged) patch.custom_fields = custom;
  if (addressChanged) patch.addresses = [address, ...current.addresses.slice(1)];
  return Object.keys(patch).length > 0 ? patch : null;
}

/** The case patch that makes `current` hold `values`; only fields that differ, null when none. */
export function casePatchOf(
  current: CaseFields,
  values: Pick<InboundValues, "case" | "caseType" | "status">,
): CasePatch | null {
  const patch: CasePatch = {};
  const custom: Record<string, unknown> = { ...current.custom_fields };
  let customChanged = false;
  for (const [path, value] of Object.entries(values.case)) {
    if (path.startsWith("custom_fields.")) {
      const key = path.slice(14);
      const next = value === "" ? null : value;
      if ((custom[key] ?? null) !== next) {
        if (next === null) delete custom[key];
        else custom[key] = next;
        customChanged = true;
      }
      continue;
    }
    switch (path) {
      case "title":
      case "description":
      case "incident_date":
      case "campaign_id":
      case "call_id":
      case "source":
        if (current[path] !== text(value)) patch[path] = text(value);
        break;
      default:
        break;
    }
  }
  if (customChanged) patch.custom_fields = custom;
  if (values.caseType !== undefined && values.caseType !== current.case_type)
    patch.case_type = values.caseType;
  if (values.status !== undefined) {
    if (values.status.status !== current.status) patch.status = values.status.status;
    if (values.status.substatus !== current.substatus) patch.substatus = values.status.substatus;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
