import { KAISA_MACROS } from "../domain/kaisa.js";
import { WEBHOOK_PRESETS } from "../domain/presets.js";
import type { ApiContext, App } from "./context.js";
import { WebhookPresetCatalogSchema } from "./responses.js";

/** The destination presets (`preset` on webhook create) and what Kaisa's macros mean. */
export async function webhookPresetRoutes(app: App, _ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/webhook-presets",
    {
      schema: {
        tags: ["webhooks"],
        summary: "Destination presets for new webhooks, and the Kaisa-compatible macros",
        response: { 200: WebhookPresetCatalogSchema },
      },
    },
    async () => ({ data: [...WEBHOOK_PRESETS], kaisa_macros: [...KAISA_MACROS] }),
  );
}
