/** The CRM sync API's answers, as the dashboard reads them (docs/api.md, "CRM sync"). */
import type { Static } from "@sinclair/typebox";
import type {
  CrmField as ConnectorField,
  CrmOption,
  CrmStatus,
} from "../../../../../src/integrations/crm/connector.js";
import type {
  ConnectionSchema,
  ProviderSchema,
  RunSchema,
  StatusSchema,
} from "../../../../../src/integrations/crm/sync/schema-api.js";

export type {
  CaseTypeMapping,
  CrmMappings,
  FieldDirection,
  FieldMapping,
  StaleMapping,
  StatusMapping,
} from "../../../../../src/domain/crm/mappings.js";
export type { CrmSettings } from "../../../../../src/domain/crm/settings.js";

export type CrmProvider = Static<typeof ProviderSchema>;
export type CrmConnection = Static<typeof ConnectionSchema>;
export type CrmRun = Static<typeof RunSchema>;
export type CrmStatusAnswer = Static<typeof StatusSchema>;
export type CrmField = ConnectorField;
export type { CrmOption, CrmStatus };

/** `GET …/fields`: the CRM's schema as last loaded, and the saved mappings it no longer has. */
export interface CrmFields {
  loaded_at: string | null;
  error: string | null;
  fields: CrmField[];
  case_types: CrmOption[];
  statuses: CrmStatus[];
  stale: Array<{ path: string; reason: string }>;
}

export interface CrmExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
  duration_ms: number;
}

export interface CrmPreview {
  operation: "create" | "update";
  crm_id: string | null;
  send_mappings: boolean;
  write: {
    object: string;
    fields: Record<string, unknown>;
    case_type: string | null;
    status: string | null;
    substatus: string | null;
    external_id: string | null;
  };
}

export interface CrmTestSend {
  action: string;
  crm_id: string | null;
  reason: string | null;
  exchanges: CrmExchange[];
}
