import type { ComponentType } from "react";
import { CrmCards } from "./crm/CrmCards";
import { SchedulingCard } from "./scheduling/SchedulingCard";
import { EmailCard, WebhooksCard } from "./TargetCards";

/**
 * The Integrations page's cards, in order. Each card loads and saves on its own; adding an
 * integration (a CRM, an enrichment provider) is one line here.
 */
export const INTEGRATION_CARDS: ReadonlyArray<{ id: string; Card: ComponentType }> = [
  { id: "webhooks", Card: WebhooksCard },
  { id: "email", Card: EmailCard },
  { id: "crm", Card: CrmCards },
  { id: "scheduling", Card: SchedulingCard },
];
