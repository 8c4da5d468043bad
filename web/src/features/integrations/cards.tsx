import type { ComponentType } from "react";
import { SchedulingCard } from "./scheduling/SchedulingCard";

/**
 * The Integrations page's cards, in order. Each card loads and saves on its own; adding an
 * integration (a CRM, an enrichment provider) is one line here.
 */
export const INTEGRATION_CARDS: ReadonlyArray<{ id: string; Card: ComponentType }> = [
  { id: "scheduling", Card: SchedulingCard },
];
