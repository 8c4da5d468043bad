/**
 * Which records an event is about, read from its data once at ingest and stored in columns of
 * their own, so a record's timeline is an index probe however many events the tenant has.
 */
export interface EventLinks {
  client_id: string | null;
  case_id: string | null;
  /** E.164 number of the person on the other end of a call or message; null for record events. */
  phone: string | null;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * - `client_id`: `data.client_id`, else the survivor of a merge (`surviving_client_id`), else the
 *   customer's `client_id`;
 * - `case_id`: `data.case_id`;
 * - `phone`: the counterpart's number — the customer's phone, else the caller (`from_number`) of
 *   an inbound or undirected call or message and the callee (`to_number`) of an outbound one.
 *   Only numbers already in E.164 (as the catalog writes them) count; record events (`client.*`,
 *   `case.*`) have none, since they are linked by id.
 */
export function eventLinks(type: string, data: Record<string, unknown> | null): EventLinks {
  if (data === null) return { client_id: null, case_id: null, phone: null };
  const customer = objectField(data, "customer");
  const clientId =
    stringField(data, "client_id") ??
    stringField(data, "surviving_client_id") ??
    (customer ? stringField(customer, "client_id") : null);
  const isRecordEvent = type.startsWith("client.") || type.startsWith("case.");
  let phone: string | null = null;
  if (!isRecordEvent) {
    const counterpart =
      (customer ? stringField(customer, "phone") : null) ??
      (data.direction === "outbound" ? stringField(data, "to_number") : stringField(data, "from_number"));
    phone = counterpart !== null && E164.test(counterpart) ? counterpart : null;
  }
  return { client_id: clientId, case_id: stringField(data, "case_id"), phone };
}

function stringField(data: Record<string, unknown>, key: string): string | null {
  const value = data[key];
  return typeof value === "string" && value !== "" ? value : null;
}

function objectField(data: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const value = data[key];
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A client or a case, as a timeline names the record it is about. */
export interface RecordRef {
  kind: "client" | "case";
  id: string;
}

/**
 * Whether an event is a change to the record itself (a timeline's `change`) rather than another
 * event that references it: a `client.*` event naming this client (a merge counts for its
 * survivor), or a `case.*` event naming this case. A case's events on its client's timeline, and a
 * client's on a case's, are references.
 */
export function isOwnChange(
  event: { type: string; data: Record<string, unknown> | null },
  record: RecordRef,
): boolean {
  if (!event.type.startsWith(`${record.kind}.`) || event.data === null) return false;
  const id =
    event.data[`${record.kind}_id`] ??
    (record.kind === "client" ? event.data.surviving_client_id : undefined);
  return id === record.id;
}
