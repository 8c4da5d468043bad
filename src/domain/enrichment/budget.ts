import { DateTime } from "luxon";

/**
 * Money is bounded: a paid lookup goes ahead only when its largest possible cost fits under the
 * per-lookup cap and, added to what the tenant's month already spent (or reserved), under the
 * monthly budget. Amounts in micro-dollars; null means no limit.
 */
export interface BudgetLimits {
  monthlyBudget: number | null;
  maxCostPerLookup: number | null;
}

export type BudgetDecision =
  | { allowed: true }
  | { allowed: false; reason: "over_lookup_cap" | "over_monthly_budget" };

export function decideBudget(limits: BudgetLimits, monthSpent: number, estimate: number): BudgetDecision {
  if (estimate <= 0) return { allowed: true };
  if (limits.maxCostPerLookup !== null && estimate > limits.maxCostPerLookup) {
    return { allowed: false, reason: "over_lookup_cap" };
  }
  if (limits.monthlyBudget !== null && monthSpent + estimate > limits.monthlyBudget) {
    return { allowed: false, reason: "over_monthly_budget" };
  }
  return { allowed: true };
}

/**
 * The budget month of an instant: the calendar month in the tenant's time zone ("2026-12"), so a
 * firm in Los Angeles starts a new month at its own midnight, not at UTC's. An unknown zone falls
 * back to UTC rather than failing the lookup.
 */
export function budgetMonth(at: number, timeZone: string): string {
  let time = DateTime.fromMillis(at, { zone: timeZone });
  if (!time.isValid) time = DateTime.fromMillis(at, { zone: "UTC" });
  return time.toFormat("yyyy-MM");
}
