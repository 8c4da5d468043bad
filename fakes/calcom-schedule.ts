/**
 * The Cal.com fake's calendar: event types, bookings and the weekly schedule slots are cut from,
 * in the schedule's own zone through luxon, so DST days have the hours a wall clock has.
 */
import { DateTime } from "luxon";

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** Working hours per weekday as local `HH:mm` pairs in `timeZone`. */
export interface WeeklySchedule {
  timeZone: string;
  hours: Partial<Record<Weekday, Array<[string, string]>>>;
}

export interface FakeEventType {
  id: number;
  title: string;
  slug: string;
  lengthInMinutes: number;
}

export interface FakeBooking {
  id: number;
  uid: string;
  title: string;
  status: "accepted" | "cancelled";
  start: string;
  end: string;
  duration: number;
  eventTypeId: number;
  location: string | null;
  attendees: Array<{
    name: string;
    email?: string;
    phoneNumber?: string;
    timeZone: string;
    language?: string;
  }>;
  metadata: Record<string, string>;
  rescheduledFromUid: string | null;
  cancellationReason: string | null;
  createdAt: string;
}

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export const DEFAULT_SCHEDULE: WeeklySchedule = {
  timeZone: "America/Chicago",
  hours: {
    mon: [["09:00", "17:00"]],
    tue: [["09:00", "17:00"]],
    wed: [["09:00", "17:00"]],
    thu: [["09:00", "17:00"]],
    fri: [["09:00", "17:00"]],
  },
};

export const DEFAULT_EVENT_TYPES: FakeEventType[] = [
  { id: 1001, title: "Free consultation", slug: "free-consultation", lengthInMinutes: 30 },
  { id: 1002, title: "Case review", slug: "case-review", lengthInMinutes: 60 },
];

/** Open slots of an event type between two instants, per the weekly schedule, as UTC ms starts. */
export function scheduleSlots(
  schedule: WeeklySchedule,
  lengthMinutes: number,
  fromMs: number,
  toMs: number,
): number[] {
  const starts: number[] = [];
  let day = DateTime.fromMillis(fromMs, { zone: schedule.timeZone }).startOf("day").minus({ days: 1 });
  const last = DateTime.fromMillis(toMs, { zone: schedule.timeZone }).endOf("day");
  while (day <= last) {
    const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
    for (const [from, to] of schedule.hours[weekday] ?? []) {
      const open = atLocal(day, from);
      const close = atLocal(day, to);
      for (
        let t = open;
        t.plus({ minutes: lengthMinutes }) <= close;
        t = t.plus({ minutes: lengthMinutes })
      ) {
        const ms = t.toMillis();
        if (ms >= fromMs && ms < toMs) starts.push(ms);
      }
    }
    day = day.plus({ days: 1 });
  }
  return [...new Set(starts)].sort((a, b) => a - b);
}

function atLocal(day: DateTime, hhmm: string): DateTime {
  const [h, m] = hhmm.split(":").map(Number);
  return day.set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 });
}
