import {
  accepts,
  type Capabilities,
  type DataKind,
  type FoundData,
  kindsFound,
  type LookupInput,
} from "./types.js";

/**
 * The waterfall: providers in the tenant's priority order, each asked only for data still missing
 * and only when its capabilities cover both the inputs we have and some of what is missing; it
 * stops once everything wanted is found. Pure: the engine performs each step and feeds back what
 * was found, which may also give the next provider more to look up by (an email found by one
 * lets the next search by email).
 */

export interface WaterfallProvider {
  name: string;
  priority: number;
  capabilities: Capabilities;
}

export interface WaterfallState {
  input: LookupInput;
  found: FoundData;
  /** Providers already asked (or skipped for budget or failure) in this run. */
  tried: string[];
}

export interface WaterfallStep {
  provider: string;
  /** The data kinds this provider is asked for: wanted, still missing, and within its reach. */
  ask: DataKind[];
}

/** Providers ordered by priority (lower first), ties by name so the order is stable. */
export function byPriority<T extends WaterfallProvider>(providers: T[]): T[] {
  return [...providers].sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : 1));
}

export function missingKinds(wanted: DataKind[], found: FoundData): DataKind[] {
  const have = new Set(kindsFound(found));
  return wanted.filter((kind) => !have.has(kind));
}

/** The next provider to ask, or null when all wanted is found or nobody left can help. */
export function nextStep(
  providers: WaterfallProvider[],
  wanted: DataKind[],
  state: WaterfallState,
): WaterfallStep | null {
  const missing = missingKinds(wanted, state.found);
  if (missing.length === 0) return null;
  const input = inputWithFound(state.input, state.found);
  for (const provider of byPriority(providers)) {
    if (state.tried.includes(provider.name)) continue;
    if (!accepts(provider.capabilities, input)) continue;
    const ask = missing.filter((kind) => provider.capabilities.gives.includes(kind));
    if (ask.length > 0) return { provider: provider.name, ask };
  }
  return null;
}

/** What we know plus what was found so far: the input for the next provider. */
export function inputWithFound(input: LookupInput, found: FoundData): LookupInput {
  const next: LookupInput = { ...input };
  next.phone ??= found.phones?.[0]?.number;
  next.email ??= found.emails?.[0];
  if (!(next.first_name && next.last_name) && found.first_name && found.last_name) {
    next.first_name = found.first_name;
    next.last_name = found.last_name;
  }
  next.address ??= found.addresses?.[0];
  for (const key of Object.keys(next) as Array<keyof LookupInput>) {
    if (next[key] === undefined) delete next[key];
  }
  return next;
}

/**
 * Adds a provider's answer to what earlier (higher-priority) providers found, keeping only the
 * kinds that provider was asked for: an earlier answer wins for single values, lists are joined
 * without duplicates.
 */
export function mergeFound(earlier: FoundData, later: FoundData, ask: DataKind[]): FoundData {
  const out: FoundData = structuredClone(earlier);
  const wants = new Set(ask);
  if (wants.has("phone") && later.phones?.length) {
    const seen = new Set((out.phones ?? []).map((p) => p.number));
    out.phones = [...(out.phones ?? []), ...later.phones.filter((p) => !seen.has(p.number))];
  }
  if (wants.has("email") && later.emails?.length) {
    const seen = new Set((out.emails ?? []).map((e) => e.toLowerCase()));
    out.emails = [...(out.emails ?? []), ...later.emails.filter((e) => !seen.has(e.toLowerCase()))];
  }
  if (wants.has("address") && later.addresses?.length) {
    const key = (a: { street?: string; postal_code?: string }) =>
      `${a.street ?? ""}|${a.postal_code ?? ""}`.toLowerCase();
    const seen = new Set((out.addresses ?? []).map(key));
    out.addresses = [...(out.addresses ?? []), ...later.addresses.filter((a) => !seen.has(key(a)))];
  }
  if (wants.has("demographics")) {
    out.first_name ??= later.first_name;
    out.last_name ??= later.last_name;
    out.date_of_birth ??= later.date_of_birth;
    if (later.demographics) out.demographics = { ...later.demographics, ...out.demographics };
    for (const key of ["first_name", "last_name", "date_of_birth", "demographics"] as const) {
      if (out[key] === undefined) delete out[key];
    }
  }
  return out;
}
