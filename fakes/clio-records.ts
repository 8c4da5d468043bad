import { FIRST_NAMES, LAST_NAMES, phoneKey, seeded } from "./shared.js";

/**
 * What a local Clio Manage account holds, in the shapes Clio's OpenAPI document gives them
 * (Matter, Contact, CustomField, PracticeArea, MatterStage, CustomFieldValue): the HTTP side is in
 * clio.ts. Every change bumps the record's `etag` and `updated_at`, as Clio does.
 */

type Json = Record<string, unknown>;

export interface ClioCustomField {
  id: number;
  name: string;
  parent_type: "Matter" | "Contact";
  field_type: "text_line" | "text_area" | "numeric" | "date" | "checkbox" | "picklist" | "email";
  required: boolean;
  deleted: boolean;
  picklist_options?: { id: number; option: string }[];
}

export const CLIO_PRACTICE_AREAS = [
  { id: 11, name: "Personal Injury" },
  { id: 12, name: "Workers Compensation" },
  { id: 13, name: "Medical Malpractice" },
];
export const CLIO_MATTER_STAGES = [
  { id: 101, name: "Intake", practice_area_id: 11, order: 1 },
  { id: 102, name: "Treatment", practice_area_id: 11, order: 2 },
  { id: 103, name: "Demand", practice_area_id: 11, order: 3 },
  { id: 104, name: "Litigation", practice_area_id: 11, order: 4 },
  { id: 111, name: "Claim Filed", practice_area_id: 12, order: 1 },
  { id: 121, name: "Records Review", practice_area_id: 13, order: 1 },
];
export const CLIO_CUSTOM_FIELDS: ClioCustomField[] = [
  {
    id: 5001,
    name: "Police Report Number",
    parent_type: "Matter",
    field_type: "text_line",
    required: false,
    deleted: false,
  },
  {
    id: 5002,
    name: "Treating Physician",
    parent_type: "Matter",
    field_type: "text_line",
    required: false,
    deleted: false,
  },
  {
    id: 5003,
    name: "Injury Type",
    parent_type: "Matter",
    field_type: "picklist",
    required: false,
    deleted: false,
    picklist_options: [
      { id: 1, option: "Back" },
      { id: 2, option: "Neck" },
    ],
  },
  {
    id: 5004,
    name: "Switchboard ID",
    parent_type: "Matter",
    field_type: "text_line",
    required: false,
    deleted: false,
  },
  {
    id: 6001,
    name: "Switchboard ID",
    parent_type: "Contact",
    field_type: "text_line",
    required: false,
    deleted: false,
  },
  {
    id: 6002,
    name: "Preferred Language",
    parent_type: "Contact",
    field_type: "text_line",
    required: false,
    deleted: false,
  },
];

export class ClioRecords {
  readonly matters = new Map<number, Json>();
  readonly contacts = new Map<number, Json>();
  readonly customFields = CLIO_CUSTOM_FIELDS;
  private nextId = 1000;
  private clock = Date.now() - 86_400_000;

  /** A strictly increasing time, so `updated_since` and etags move with every change. */
  private tick(): string {
    this.clock = Math.max(this.clock + 1, Date.now());
    return new Date(this.clock).toISOString();
  }

  private id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  private touch(record: Json): void {
    record.updated_at = this.tick();
    record.etag = `"${Buffer.from(`${record.id}:${record.updated_at}`).toString("hex").slice(-32)}"`;
  }

  /** Validation in Clio's words; null when the data is acceptable. */
  checkCustomValues(values: unknown, parent: "Matter" | "Contact"): string | null {
    for (const raw of Array.isArray(values) ? values : []) {
      const value = raw as Json;
      if (value.id !== undefined) continue;
      const fieldId = Number((value.custom_field as Json | undefined)?.id);
      const defined = this.customFields.find((f) => f.id === fieldId && f.parent_type === parent);
      if (!defined) return `Custom field ${fieldId} is not a ${parent} custom field`;
    }
    return null;
  }

  private applyCustomValues(record: Json, values: unknown): void {
    const held = (record.custom_field_values as Json[] | undefined) ?? [];
    for (const raw of Array.isArray(values) ? values : []) {
      const value = raw as Json;
      if (value.id !== undefined) {
        const numeric = String(value.id).match(/(\d+)$/)?.[1];
        const index = held.findIndex((h) => String(h.id).endsWith(`-${numeric}`));
        if (index < 0) continue;
        if (value._destroy === true) held.splice(index, 1);
        else (held[index] as Json).value = String(value.value ?? "");
        continue;
      }
      const fieldId = Number((value.custom_field as Json).id);
      const defined = this.customFields.find((f) => f.id === fieldId);
      const existing = held.find((h) => (h.custom_field as Json).id === fieldId);
      if (existing) existing.value = String(value.value ?? "");
      else
        held.push({
          id: `${defined?.field_type ?? "text_line"}-${this.id()}`,
          etag: `"${this.nextId}"`,
          field_name: defined?.name ?? "",
          field_type: defined?.field_type ?? "text_line",
          value: String(value.value ?? ""),
          custom_field: { id: fieldId, etag: `"${fieldId}"` },
        });
    }
    record.custom_field_values = held;
  }

  createContact(data: Json): Json {
    const id = this.id();
    const contact: Json = {
      id,
      type: data.type ?? "Person",
      name: data.name,
      first_name: data.first_name ?? null,
      last_name: data.last_name ?? null,
      title: data.title ?? null,
      date_of_birth: data.date_of_birth ?? null,
      created_at: this.tick(),
      is_client: false,
      phone_numbers: [],
      email_addresses: [],
      addresses: [],
      custom_field_values: [],
    };
    this.updateContact(contact, data);
    return contact;
  }

  updateContact(contact: Json, data: Json): void {
    for (const name of ["first_name", "last_name", "title", "date_of_birth", "name"]) {
      if (name in data) contact[name] = data[name];
    }
    if (!("name" in data) && ("first_name" in data || "last_name" in data)) {
      contact.name = [contact.first_name, contact.last_name].filter(Boolean).join(" ");
    }
    for (const [key, valueKey] of [
      ["phone_numbers", "number"],
      ["email_addresses", "address"],
      ["addresses", "street"],
    ] as const) {
      const held = contact[key] as Json[];
      for (const raw of (data[key] as Json[] | undefined) ?? []) {
        const existing = raw.id === undefined ? undefined : held.find((h) => h.id === raw.id);
        if (existing) Object.assign(existing, raw);
        else {
          const primary =
            raw.default_number === true ||
            raw.default_email === true ||
            held.length === 0 ||
            key === "addresses";
          if (primary) for (const h of held) h.primary = false;
          const { default_number: _n, default_email: _e, ...rest } = raw;
          held.push({ id: this.id(), name: "Other", ...rest, primary, [valueKey]: raw[valueKey] ?? null });
        }
      }
    }
    const primaryOf = (key: string, valueKey: string) =>
      ((contact[key] as Json[]).find((h) => h.primary) ?? (contact[key] as Json[])[0])?.[valueKey] ?? null;
    contact.primary_phone_number = primaryOf("phone_numbers", "number");
    contact.primary_email_address = primaryOf("email_addresses", "address");
    const address = (contact.addresses as Json[]).find((h) => h.primary) ?? (contact.addresses as Json[])[0];
    contact.primary_address = address ?? null;
    this.applyCustomValues(contact, data.custom_field_values);
    this.touch(contact);
    this.contacts.set(Number(contact.id), contact);
  }

  /** Clio's wildcard contact search: name, email address, phone number (by digits) or a custom value. */
  searchContacts(term: string): Json[] {
    const lower = term.toLowerCase();
    const digits = phoneKey(term);
    return [...this.contacts.values()].filter((c) => {
      if (
        String(c.name ?? "")
          .toLowerCase()
          .includes(lower)
      )
        return true;
      if ((c.email_addresses as Json[]).some((e) => String(e.address).toLowerCase() === lower)) return true;
      if (
        digits.length >= 7 &&
        (c.phone_numbers as Json[]).some((p) => phoneKey(String(p.number)) === digits)
      )
        return true;
      return (c.custom_field_values as Json[]).some((v) => String(v.value).toLowerCase() === lower);
    });
  }

  /** The matter's nested objects, resolved as Clio returns them. */
  view(matter: Json): Json {
    const client = this.contacts.get(Number(matter.client_id));
    const area = CLIO_PRACTICE_AREAS.find((a) => a.id === matter.practice_area_id);
    const stage = CLIO_MATTER_STAGES.find((s) => s.id === matter.matter_stage_id);
    return {
      ...matter,
      client: client ?? null,
      practice_area: area ? { ...area, etag: `"${area.id}"` } : null,
      matter_stage: stage
        ? { ...stage, practice_area_id: String(stage.practice_area_id), etag: `"${stage.id}"` }
        : null,
    };
  }

  /** Validation in Clio's words; null when the data is acceptable. */
  checkMatter(data: Json, create: boolean): string | null {
    const client = data.client as Json | undefined;
    if (create && !client) return "Client can't be blank";
    if (client && !this.contacts.has(Number(client.id))) return "Client must exist";
    if (create && !data.description) return "Description can't be blank";
    const area = data.practice_area as Json | undefined;
    if (area && !CLIO_PRACTICE_AREAS.some((a) => a.id === Number(area.id))) return "Practice area is invalid";
    const stage = data.matter_stage as Json | undefined;
    if (stage && !CLIO_MATTER_STAGES.some((s) => s.id === Number(stage.id))) return "Matter stage is invalid";
    if (data.status !== undefined && !["open", "pending", "closed"].includes(String(data.status)))
      return "Status is not included in the list";
    return this.checkCustomValues(data.custom_field_values, "Matter");
  }

  createMatter(data: Json): Json {
    const id = this.id();
    const matter: Json = {
      id,
      number: id,
      display_number: `${String(id).padStart(5, "0")}-${String(data.description ?? "").slice(0, 20)}`,
      status: "Open",
      billable: true,
      created_at: this.tick(),
      open_date: new Date().toISOString().slice(0, 10),
      custom_field_values: [],
    };
    this.updateMatter(matter, data);
    return matter;
  }

  updateMatter(matter: Json, data: Json): void {
    for (const name of [
      "description",
      "location",
      "client_reference",
      "open_date",
      "pending_date",
      "close_date",
    ]) {
      if (name in data) matter[name] = data[name];
    }
    if (data.client) matter.client_id = Number((data.client as Json).id);
    if (data.status)
      matter.status = String(data.status).charAt(0).toUpperCase() + String(data.status).slice(1);
    if (data.practice_area) matter.practice_area_id = Number((data.practice_area as Json).id);
    if (data.matter_stage) {
      matter.matter_stage_id = Number((data.matter_stage as Json).id);
      matter.matter_stage_updated_at = this.tick();
    }
    this.applyCustomValues(matter, data.custom_field_values);
    this.touch(matter);
    this.matters.set(Number(matter.id), matter);
  }

  /** `count` people, each with one open Personal Injury matter (deterministic). */
  seed(count: number): void {
    const random = seeded(count);
    for (let i = 0; i < count; i++) {
      const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] ?? "Ana";
      const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)] ?? "Alvarez";
      const contact = this.createContact({
        type: "Person",
        name: `${first} ${last}`,
        first_name: first,
        last_name: last,
        phone_numbers: [
          { name: "Mobile", number: `+1303555${String(i).padStart(4, "0")}`, default_number: true },
        ],
        email_addresses: [
          { name: "Home", address: `${first}.${last}.${i}@example.com`.toLowerCase(), default_email: true },
        ],
      });
      this.createMatter({
        client: { id: contact.id },
        description: `${first} ${last} — auto accident`,
        practice_area: { id: 11 },
        matter_stage: { id: 101 },
      });
    }
  }
}
