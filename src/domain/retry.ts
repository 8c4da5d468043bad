/**
 * Retry schedules: when a failed delivery is attempted next, or that it has failed for good.
 *
 * A policy resolves to a maximum number of attempts and a wait (seconds) before each attempt after
 * the first. Presets give the waits; `schedule` replaces them; `max_attempts` sets the number of
 * attempts (when it exceeds the waits listed, the last wait repeats); `total_timeout_s` gives up
 * once the next attempt would start later than that many seconds after the first.
 */
import type { RetryPolicy, RetryPreset } from "./webhook.js";

export const RETRY_PRESETS: readonly RetryPreset[] = ["standard", "every_30m_for_7d", "exponential"];

/** DESIGN.md: attempt 2 after 5 min, 3 after 30 min, 4 after 2 h, 5 after 24 h, then failed. */
export const STANDARD_WAITS_S: readonly number[] = [300, 1800, 7200, 86_400];

const HALF_HOUR_S = 1800;
const SEVEN_DAYS_S = 7 * 86_400;
/** 7 days of half-hourly retries after the first attempt: 336 waits → 337 attempts. */
const EVERY_30M_ATTEMPTS = SEVEN_DAYS_S / HALF_HOUR_S + 1;

export const EXPONENTIAL_DEFAULTS = { base_s: 10, cap_s: 6 * 3600, max_attempts: 10 } as const;

/** Jitter applied to each wait: ±10 %. */
export const JITTER_FRACTION = 0.1;
/** A receiver's Retry-After is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

export const RETRY_LIMITS = {
  scheduleEntries: 50,
  waitMinS: 1,
  waitMaxS: 604_800,
  maxAttempts: 500,
  totalTimeoutMaxS: 2_592_000,
} as const;

interface ResolvedRetryPolicy {
  preset: RetryPreset | "custom";
  maxAttempts: number;
  totalTimeoutS: number | null;
  /** Seconds to wait before attempt `attemptsMade + 1` (attemptsMade ≥ 1). */
  waitS(attemptsMade: number): number;
}

function listWaits(waits: readonly number[]): (attemptsMade: number) => number {
  return (attemptsMade) => waits[Math.min(attemptsMade, waits.length) - 1]!;
}

function resolve(policy: RetryPolicy): ResolvedRetryPolicy {
  const totalTimeoutS = policy.total_timeout_s ?? null;
  if (policy.schedule !== undefined && policy.schedule.length > 0) {
    const waits = policy.schedule;
    return {
      preset: "custom",
      maxAttempts: policy.max_attempts ?? waits.length + 1,
      totalTimeoutS,
      waitS: listWaits(waits),
    };
  }
  switch (policy.preset ?? "standard") {
    case "every_30m_for_7d":
      return {
        preset: "every_30m_for_7d",
        maxAttempts: policy.max_attempts ?? EVERY_30M_ATTEMPTS,
        totalTimeoutS,
        waitS: () => HALF_HOUR_S,
      };
    case "exponential": {
      const base = policy.base_s ?? EXPONENTIAL_DEFAULTS.base_s;
      const cap = policy.cap_s ?? EXPONENTIAL_DEFAULTS.cap_s;
      return {
        preset: "exponential",
        maxAttempts: policy.max_attempts ?? EXPONENTIAL_DEFAULTS.max_attempts,
        totalTimeoutS,
        // 2^(n-1) overflows to Infinity for huge n, which min() then caps.
        waitS: (attemptsMade) => Math.min(cap, base * 2 ** (attemptsMade - 1)),
      };
    }
    default:
      return {
        preset: "standard",
        maxAttempts: policy.max_attempts ?? STANDARD_WAITS_S.length + 1,
        totalTimeoutS,
        waitS: listWaits(STANDARD_WAITS_S),
      };
  }
}

export interface RetryContext {
  /** Attempts already made for this delivery (0 = not attempted yet). */
  attemptsMade: number;
  /** When the first attempt started, ms epoch. */
  firstAttemptAt: number;
  /** Now, ms epoch. */
  now: number;
  /** The receiver asked to wait at least this long (429/503 Retry-After), ms. */
  retryAfterMs?: number;
  /** Uniform [0, 1) source for jitter; 0.5 means no jitter. Defaults to Math.random. */
  random?: () => number;
}

/**
 * When to make the next attempt (ms epoch), or null when the delivery should be marked failed:
 * no attempts left, or the next attempt would start after `first attempt + total_timeout_s`.
 * The wait is jittered by ±10 %; a Retry-After (capped at 24 h) is a floor on the wait.
 */
export function nextAttemptAt(policy: RetryPolicy, ctx: RetryContext): number | null {
  const resolved = resolve(policy);
  if (ctx.attemptsMade >= resolved.maxAttempts) return null;
  if (ctx.attemptsMade <= 0) return ctx.now;

  const random = ctx.random ?? Math.random;
  const jitter = 1 + (random() * 2 - 1) * JITTER_FRACTION;
  let waitMs = resolved.waitS(ctx.attemptsMade) * 1000 * jitter;
  if (ctx.retryAfterMs !== undefined && Number.isFinite(ctx.retryAfterMs)) {
    const floor = Math.min(Math.max(ctx.retryAfterMs, 0), MAX_RETRY_AFTER_MS);
    waitMs = Math.max(waitMs, floor);
  }
  const at = ctx.now + Math.round(waitMs);
  if (resolved.totalTimeoutS !== null && at > ctx.firstAttemptAt + resolved.totalTimeoutS * 1000) {
    return null;
  }
  return at;
}

export interface RetryPolicyDescription {
  /** The preset the waits come from, or `custom` when `schedule` overrides them. */
  preset: RetryPreset | "custom";
  /** waits_s[i] = seconds before attempt i + 2 (before jitter); length = max_attempts - 1. */
  waits_s: number[];
  max_attempts: number;
  total_timeout_s: number | null;
}

/** The resolved policy, for display in API answers and the dashboard. */
export function describeRetryPolicy(policy: RetryPolicy): RetryPolicyDescription {
  const resolved = resolve(policy);
  const waits: number[] = [];
  for (let made = 1; made < resolved.maxAttempts; made++) waits.push(resolved.waitS(made));
  return {
    preset: resolved.preset,
    waits_s: waits,
    max_attempts: resolved.maxAttempts,
    total_timeout_s: resolved.totalTimeoutS,
  };
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function isPositiveNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** An error message for an invalid policy, or null when it is valid. */
export function validateRetryPolicy(policy: RetryPolicy): string | null {
  const { preset, schedule, max_attempts, total_timeout_s, base_s, cap_s } = policy;
  if (preset !== undefined && !RETRY_PRESETS.includes(preset)) {
    return `retry.preset must be one of ${RETRY_PRESETS.join(", ")}`;
  }
  if (schedule !== undefined) {
    if (!Array.isArray(schedule)) return "retry.schedule must be an array of seconds";
    if (schedule.length === 0 || schedule.length > RETRY_LIMITS.scheduleEntries) {
      return `retry.schedule must have 1 to ${RETRY_LIMITS.scheduleEntries} entries (use max_attempts: 1 for no retries)`;
    }
    for (const [i, wait] of schedule.entries()) {
      if (!isIntegerIn(wait, RETRY_LIMITS.waitMinS, RETRY_LIMITS.waitMaxS)) {
        return `retry.schedule[${i}] must be an integer number of seconds from ${RETRY_LIMITS.waitMinS} to ${RETRY_LIMITS.waitMaxS}`;
      }
    }
  }
  if (max_attempts !== undefined && !isIntegerIn(max_attempts, 1, RETRY_LIMITS.maxAttempts)) {
    return `retry.max_attempts must be an integer from 1 to ${RETRY_LIMITS.maxAttempts}`;
  }
  if (total_timeout_s !== undefined && !isIntegerIn(total_timeout_s, 1, RETRY_LIMITS.totalTimeoutMaxS)) {
    return `retry.total_timeout_s must be an integer from 1 to ${RETRY_LIMITS.totalTimeoutMaxS}`;
  }
  if (base_s !== undefined || cap_s !== undefined) {
    if (preset !== "exponential") return "retry.base_s and retry.cap_s apply only to preset exponential";
    if (base_s !== undefined && !isPositiveNumber(base_s)) return "retry.base_s must be a positive number";
    if (cap_s !== undefined && !isPositiveNumber(cap_s)) return "retry.cap_s must be a positive number";
    const base = base_s ?? EXPONENTIAL_DEFAULTS.base_s;
    const cap = cap_s ?? EXPONENTIAL_DEFAULTS.cap_s;
    if (cap < base) return `retry.cap_s (${cap}) must be at least retry.base_s (${base})`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Retry-After: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850, asctime).

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const RFC_850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

function utc(day: string, month: string, year: number, h: string, m: string, s: string): number | undefined {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const d = Number(day);
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = Number(s);
  if (monthIndex < 0 || d < 1 || d > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  return Date.UTC(year, monthIndex, d, hours, minutes, seconds);
}

function parseHttpDate(value: string): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!);
  match = RFC_850.exec(value);
  if (match) {
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(match[3]);
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    return utc(match[1]!, match[2]!, year, match[4]!, match[5]!, match[6]!);
  }
  match = ASCTIME.exec(value);
  if (match) return utc(match[2]!, match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!);
  return undefined;
}

/**
 * Milliseconds to wait according to a Retry-After header: delta-seconds or an HTTP-date.
 * Invalid → undefined; a negative delay or a date in the past → 0.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    if (!Number.isFinite(seconds)) return undefined;
    return Math.max(0, Math.ceil(seconds * 1000));
  }
  const at = parseHttpDate(value);
  if (at === undefined || Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
