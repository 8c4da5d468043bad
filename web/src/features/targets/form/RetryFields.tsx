/** The retry policy's fields: preset or custom schedule, exponential delays, attempt and time limits. */
import { Field, type Setter } from "../../../ui/fields";
import { formatSeconds } from "../../../ui/format";
import type { FieldErrors } from "./numbers";
import type { RetryMode, RetryState } from "./retry";

const RETRY_LABELS: Record<RetryMode, string> = {
  standard: "Standard — after 5 min, 30 min, 2 h and 24 h (5 attempts)",
  every_30m_for_7d: "Every 30 minutes for 7 days",
  exponential: "Exponential backoff",
  custom: "Custom schedule",
};

export function RetryFields({
  state,
  set,
  errors,
}: {
  state: RetryState;
  set: Setter<RetryState>;
  errors: FieldErrors;
}) {
  const schedulePreview = state.retryMode === "custom" ? scheduleText(state.schedule) : null;
  return (
    <>
      <Field id="wh-retry-mode" label="Retries" error={errors.retry}>
        <select
          id="wh-retry-mode"
          value={state.retryMode}
          onChange={(e) => set("retryMode", e.target.value as RetryMode)}
        >
          {(Object.keys(RETRY_LABELS) as RetryMode[]).map((mode) => (
            <option key={mode} value={mode}>
              {RETRY_LABELS[mode]}
            </option>
          ))}
        </select>
      </Field>
      {state.retryMode === "custom" && (
        <Field
          id="wh-schedule"
          label="Seconds to wait before each retry"
          hint={schedulePreview ?? "Comma-separated, e.g. 10, 60, 600 — attempt 1 is immediate."}
        >
          <input
            id="wh-schedule"
            type="text"
            inputMode="numeric"
            placeholder="10, 60, 600"
            value={state.schedule}
            onChange={(e) => set("schedule", e.target.value)}
            aria-describedby="wh-schedule-hint"
          />
        </Field>
      )}
      {state.retryMode === "exponential" && (
        <div className="grid-2">
          <Field id="wh-base" label="First delay (s)" optional hint="Default 10 s, doubling each time.">
            <input
              id="wh-base"
              type="number"
              min={1}
              value={state.baseS}
              onChange={(e) => set("baseS", e.target.value)}
            />
          </Field>
          <Field id="wh-cap" label="Longest delay (s)" optional hint="Default 6 h.">
            <input
              id="wh-cap"
              type="number"
              min={1}
              value={state.capS}
              onChange={(e) => set("capS", e.target.value)}
            />
          </Field>
        </div>
      )}
      <div className="grid-2">
        <Field id="wh-max-attempts" label="Max attempts" optional hint="Including the first attempt.">
          <input
            id="wh-max-attempts"
            type="number"
            min={1}
            max={500}
            value={state.maxAttempts}
            onChange={(e) => set("maxAttempts", e.target.value)}
          />
        </Field>
        <Field
          id="wh-total-timeout"
          label="Give up after (s)"
          optional
          hint="Counted from the first attempt."
        >
          <input
            id="wh-total-timeout"
            type="number"
            min={1}
            value={state.totalTimeout}
            onChange={(e) => set("totalTimeout", e.target.value)}
          />
        </Field>
      </div>
    </>
  );
}

function scheduleText(text: string): string | null {
  const waits = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (waits.length === 0 || waits.some((w) => !Number.isInteger(w) || w < 1)) return null;
  return `Attempt 1 now, then ${waits.map((w, i) => `attempt ${i + 2} after ${formatSeconds(w)}`).join(", ")}.`;
}
