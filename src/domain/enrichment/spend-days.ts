import { DateTime } from "luxon";

/** One calendar day in the tenant's time zone: its date and its [start, end) in epoch ms. */
export interface SpendDay {
  date: string;
  start: number;
  end: number;
}

/**
 * The last `count` calendar days in `timeZone`, today included, oldest first. Days are the firm's
 * own (a day in Los Angeles starts at its midnight, and a day with a DST change is 23 or 25 hours),
 * as the monthly budget's month is; an unknown zone falls back to UTC like the budget does.
 */
export function spendDays(now: number, timeZone: string, count: number): SpendDay[] {
  let today = DateTime.fromMillis(now, { zone: timeZone });
  if (!today.isValid) today = DateTime.fromMillis(now, { zone: "UTC" });
  const days: SpendDay[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const day = today.minus({ days: back }).startOf("day");
    days.push({
      date: day.toFormat("yyyy-MM-dd"),
      start: day.toMillis(),
      end: day.plus({ days: 1 }).startOf("day").toMillis(),
    });
  }
  return days;
}

/** The budget months (`yyyy-MM`) the days touch: lets the store use its (tenant, month) index. */
export function monthsOf(days: readonly SpendDay[]): string[] {
  return [...new Set(days.map((d) => d.date.slice(0, 7)))];
}
