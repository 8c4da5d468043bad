/** Retries in a target's form: a preset or a custom schedule, with attempt and time limits. */
import type { RetrySettings } from "../../../api";
import { formatSeconds } from "../../../ui/format";
import { type FieldErrors, integer, integerList } from "./numbers";

export type RetryMode = "standard" | "every_30m_for_7d" | "exponential" | "custom";

export interface RetryState {
  retryMode: RetryMode;
  schedule: string;
  maxAttempts: string;
  totalTimeout: string;
  baseS: string;
  capS: string;
}

export function emptyRetry(): RetryState {
  return { retryMode: "standard", schedule: "", maxAttempts: "", totalTimeout: "", baseS: "", capS: "" };
}

const str = (value: number | undefined | null): string =>
  value === undefined || value === null ? "" : String(value);

export function retryFromSettings(retry: RetrySettings): RetryState {
  return {
    retryMode: retry.schedule && retry.schedule.length > 0 ? "custom" : (retry.preset ?? "standard"),
    schedule: (retry.schedule ?? []).join(", "),
    maxAttempts: str(retry.max_attempts),
    totalTimeout: str(retry.total_timeout_s),
    baseS: str(retry.base_s),
    capS: str(retry.cap_s),
  };
}

/** The `retry` object of the request body; errors are recorded under "retry". */
export function retryPayload(state: RetryState, errors: FieldErrors): RetrySettings {
  const retry: RetrySettings = {};
  if (state.retryMode === "custom") {
    const schedule = integerList(errors, "retry", "Schedule", state.schedule, 1, 604_800);
    if (schedule.length === 0)
      errors.retry ??= "List the seconds to wait before each retry, e.g. 10, 60, 600.";
    retry.schedule = schedule;
  } else {
    retry.preset = state.retryMode;
  }
  if (state.retryMode === "exponential") {
    const base = integer(errors, "retry", "The base delay", state.baseS, 1, 86_400);
    const cap = integer(errors, "retry", "The longest delay", state.capS, 1, 604_800);
    if (base !== undefined) retry.base_s = base;
    if (cap !== undefined) retry.cap_s = cap;
  }
  const maxAttempts = integer(errors, "retry", "Max attempts", state.maxAttempts, 1, 500);
  if (maxAttempts !== undefined) retry.max_attempts = maxAttempts;
  const total = integer(errors, "retry", "The total time limit", state.totalTimeout, 1, 2_592_000);
  if (total !== undefined) retry.total_timeout_s = total;
  return retry;
}

/** The retry policy in words, for a target's settings summary. */
export function retryText(r: RetrySettings): string {
  if (r.schedule && r.schedule.length > 0) return `Custom: ${r.schedule.map(formatSeconds).join(", ")}`;
  const preset = r.preset ?? "standard";
  const parts = [
    preset === "standard"
      ? "Standard (5 min, 30 min, 2 h, 24 h)"
      : preset === "every_30m_for_7d"
        ? "Every 30 min for 7 days"
        : "Exponential",
  ];
  if (r.max_attempts) parts.push(`max ${r.max_attempts} attempts`);
  if (r.total_timeout_s) parts.push(`give up after ${formatSeconds(r.total_timeout_s)}`);
  return parts.join(", ");
}
