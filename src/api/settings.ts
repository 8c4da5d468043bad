import { DomainError } from "../domain/errors.js";
import { CustomFieldDefinitionsSchema, validateDefinitions } from "../domain/records/custom-fields.js";
import {
  applyRecordsSettings,
  CaseTypesSchema,
  RecordsSettingsPatchSchema,
  RecordsSettingsSchema,
  strandedCases,
  type TenantSettingsDocument,
  validateCaseTypes,
} from "../domain/records/vocabulary.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";

/** The tenant's vocabularies and records settings: what client and case writes follow. */
export async function settingsRoutes(app: App, ctx: ApiContext): Promise<void> {
  const settings = ctx.records.settings;
  const caseTypesOf = (s: TenantSettingsDocument) => ({ case_types: s.case_types });

  app.get(
    "/v1/settings/case-types",
    {
      schema: {
        tags: ["settings"],
        summary: "The tenant's case types with their statuses and substatuses",
        response: { 200: CaseTypesSchema },
      },
    },
    async (request) => caseTypesOf(await settings.get(tenantOf(request))),
  );

  app.put(
    "/v1/settings/case-types",
    {
      schema: {
        tags: ["settings"],
        summary: "Replace the case types (409 in_use when cases still use a removed type or status)",
        body: CaseTypesSchema,
        response: { 200: CaseTypesSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const caseTypes = request.body.case_types;
      validateCaseTypes(caseTypes, "/body/case_types");
      const saved = await settings.update(tenantId, async (current) => {
        const usage = await ctx.store.cases.countByTypeAndStatus(tenantId);
        const stranded = strandedCases(current.case_types, caseTypes, usage);
        if (stranded.length > 0) {
          const total = stranded.reduce((sum, s) => sum + s.cases, 0);
          throw new DomainError(
            "in_use",
            `${total} case(s) still use a case type or status this change removes; move them first`,
            { in_use: stranded },
          );
        }
        return { ...current, case_types: caseTypes };
      });
      return caseTypesOf(saved);
    },
  );

  app.get(
    "/v1/settings/custom-fields",
    {
      schema: {
        tags: ["settings"],
        summary: "Custom field definitions for clients and cases",
        response: { 200: CustomFieldDefinitionsSchema },
      },
    },
    async (request) => (await settings.get(tenantOf(request))).custom_fields,
  );

  app.put(
    "/v1/settings/custom-fields",
    {
      schema: {
        tags: ["settings"],
        summary: "Replace the custom field definitions (stored values are kept by key)",
        body: CustomFieldDefinitionsSchema,
        response: { 200: CustomFieldDefinitionsSchema },
      },
    },
    async (request) => {
      const { clients, cases } = request.body;
      validateDefinitions(clients, "/body/clients");
      validateDefinitions(cases, "/body/cases");
      const saved = await settings.update(tenantOf(request), (current) => ({
        ...current,
        custom_fields: { clients, cases },
      }));
      return saved.custom_fields;
    },
  );

  app.get(
    "/v1/settings/records",
    {
      schema: {
        tags: ["settings"],
        summary: "Records settings: intake from calls, the default phone region",
        response: { 200: RecordsSettingsSchema },
      },
    },
    async (request) => (await settings.get(tenantOf(request))).records,
  );

  app.patch(
    "/v1/settings/records",
    {
      schema: {
        tags: ["settings"],
        summary: "Change records settings (the fields named; the others stay)",
        body: RecordsSettingsPatchSchema,
        response: { 200: RecordsSettingsSchema },
      },
    },
    async (request) => {
      const patch = request.body;
      const saved = await settings.update(tenantOf(request), (current) => ({
        ...current,
        records: applyRecordsSettings(current.records, patch, "/body"),
      }));
      return saved.records;
    },
  );
}
