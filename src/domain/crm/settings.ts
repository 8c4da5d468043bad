import { type Static, Type } from "@sinclair/typebox";

/**
 * A CRM connection's own settings: which way records flow, how often the CRM is read, who wins
 * when both sides changed, and what the first sync does. Pure schemas and defaults.
 */

export const DirectionSchema = Type.Union([
  Type.Literal("to_crm"),
  Type.Literal("from_crm"),
  Type.Literal("both"),
]);
export type Direction = Static<typeof DirectionSchema>;

export const FrequencySchema = Type.Union([
  Type.Literal("realtime"),
  Type.Literal("hourly"),
  Type.Literal("daily"),
]);
export type Frequency = Static<typeof FrequencySchema>;

export const ConflictPolicySchema = Type.Union([
  Type.Literal("platform_wins"),
  Type.Literal("crm_wins"),
  Type.Literal("newest"),
]);
export type ConflictPolicy = Static<typeof ConflictPolicySchema>;

export const InitialSyncSchema = Type.Union([
  Type.Literal("none"),
  Type.Literal("import"),
  Type.Literal("export"),
  Type.Literal("both"),
]);
export type InitialSync = Static<typeof InitialSyncSchema>;

export const CrmSettingsSchema = Type.Object(
  {
    direction: DirectionSchema,
    frequency: FrequencySchema,
    conflict: ConflictPolicySchema,
    initial_sync: InitialSyncSchema,
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CrmSettings = Static<typeof CrmSettingsSchema>;

/** Every setting optional: what a create or a patch may send. */
export const CrmSettingsInputSchema = Type.Partial(CrmSettingsSchema, { additionalProperties: false });
export type CrmSettingsInput = Static<typeof CrmSettingsInputSchema>;

export const DEFAULT_CRM_SETTINGS: CrmSettings = {
  direction: "both",
  frequency: "realtime",
  conflict: "newest",
  initial_sync: "none",
  enabled: true,
};

/** `input` over `current` (the defaults for a new connection). */
export function applySettings(current: CrmSettings, input: CrmSettingsInput | undefined): CrmSettings {
  return { ...current, ...(input ?? {}) };
}

/** Platform changes go to the CRM. */
export function sendsToCrm(settings: CrmSettings): boolean {
  return settings.enabled && settings.direction !== "from_crm";
}

/** CRM changes come to the platform. */
export function readsFromCrm(settings: CrmSettings): boolean {
  return settings.enabled && settings.direction !== "to_crm";
}

/**
 * How often the pull job runs. Realtime polls every 30 s: LawRuler and SmartAdvocate send no
 * change notifications, and 30 s keeps a 10 requests/s vendor limit far away for a few hundred
 * linked records.
 */
export function pullIntervalMs(frequency: Frequency): number {
  switch (frequency) {
    case "realtime":
      return 30_000;
    case "hourly":
      return 3_600_000;
    case "daily":
      return 86_400_000;
  }
}
