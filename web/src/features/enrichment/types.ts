/** Enrichment's API shapes as the dashboard reads them (src/api/enrichment.ts). */
export type DataKind = "phone" | "email" | "address" | "demographics";
export const DATA_KINDS: DataKind[] = ["phone", "email", "address", "demographics"];
export const TRIGGERS = ["call", "sms", "import", "manual"] as const;

export interface Provider {
  name: string;
  label: string;
  enabled: boolean;
  priority: number;
  configured: boolean;
  credentials: Record<string, string>;
  credential_fields: string[];
  base_url: string;
  price: { per_request: number; per_match: number; per_field: Record<string, number> };
}

export interface EnrichmentSettings {
  triggers: Record<(typeof TRIGGERS)[number], boolean>;
  data: Record<DataKind, boolean>;
  write: "fill_empty" | "overwrite";
  max_cost_per_lookup: number | null;
  monthly_budget: number | null;
  cache_days: number;
}

export interface Run {
  id: string;
  client_id: string;
  trigger: string;
  status: string;
  provider: string | null;
  fields_found: string[];
  fields_written: string[];
  cost: number;
  error: string | null;
  created_at: string;
}

export interface Spend {
  month: string;
  by_provider: Record<string, number>;
  total: number;
  monthly_budget: number | null;
}

export const usd = (value: number): string => `$${value.toFixed(value < 1 && value !== 0 ? 3 : 2)}`;
