/**
 * Enrichment's vocabulary, shared by the providers, the waterfall, the write rules and the API.
 * Pure types and small helpers: no I/O.
 */

/** What a firm can ask enrichment to add to a client. */
export type DataKind = "phone" | "email" | "address" | "demographics";
export const DATA_KINDS: readonly DataKind[] = ["phone", "email", "address", "demographics"];

/** What a provider can look a person up by. */
export type InputKind = "phone" | "email" | "name" | "address";

export interface PostalAddress {
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
}

/** What we know about the person when asking (normalised: E.164 phone, lower-case email). */
export interface LookupInput {
  phone?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  address?: PostalAddress;
}

export type PhoneLineType = "mobile" | "home" | "work" | "other";

/** What a provider found, in our shapes. Every field optional: a provider fills what it knows. */
export interface FoundData {
  phones?: Array<{ number: string; type: PhoneLineType }>;
  emails?: string[];
  addresses?: PostalAddress[];
  first_name?: string;
  last_name?: string;
  /** YYYY-MM-DD. */
  date_of_birth?: string;
  /** Facts kept with the run but not written to a client field (no such field exists). */
  demographics?: {
    age_range?: string;
    gender?: string;
    line_type?: string;
    carrier?: string;
    caller_name?: string;
  };
}

/** One provider's answer to one lookup. */
export interface LookupResult {
  outcome: "found" | "not_found";
  data: FoundData;
  /** 0..1: how sure the provider is that the person it found is ours. */
  confidence: number;
  /** What the vendor bills: a match, the request, and any priced field packages it returned. */
  billed: { match: boolean; fields: string[] };
}

/** Which inputs a provider needs (any one of the sets, each set complete) and what it can find. */
export interface Capabilities {
  accepts: InputKind[][];
  gives: DataKind[];
}

/** The input kinds present in `input`. */
export function inputKindsOf(input: LookupInput): Set<InputKind> {
  const kinds = new Set<InputKind>();
  if (input.phone) kinds.add("phone");
  if (input.email) kinds.add("email");
  if (input.first_name && input.last_name) kinds.add("name");
  const a = input.address;
  if (a?.street && (a.postal_code || (a.city && a.state))) kinds.add("address");
  return kinds;
}

/** Can a provider with these capabilities look this input up? */
export function accepts(capabilities: Capabilities, input: LookupInput): boolean {
  const have = inputKindsOf(input);
  return capabilities.accepts.some((set) => set.every((kind) => have.has(kind)));
}

/** The data kinds present in what was found. */
export function kindsFound(data: FoundData): DataKind[] {
  const kinds: DataKind[] = [];
  if ((data.phones?.length ?? 0) > 0) kinds.push("phone");
  if ((data.emails?.length ?? 0) > 0) kinds.push("email");
  if ((data.addresses?.length ?? 0) > 0) kinds.push("address");
  const d = data.demographics;
  if (data.date_of_birth || d?.age_range || d?.gender || d?.caller_name || d?.line_type) {
    kinds.push("demographics");
  }
  return kinds;
}
