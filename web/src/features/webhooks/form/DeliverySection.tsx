/** The form's "Delivery" section: timeout, retries and success conditions, then hold and limits. */
import type { EventType } from "../../../api";
import { formatSeconds } from "../../../ui/format";
import { describedBy, Field, Section, type Setter } from "./fields";
import { HoldAndLimits } from "./HoldAndLimits";
import type { FormState, RetryMode } from "./state";
import type { FieldErrors } from "./validation";

const RETRY_LABELS: Record<RetryMode, string> = {
  standard: "Standard — after 5 min, 30 min, 2 h and 24 h (5 attempts)",
  every_30m_for_7d: "Every 30 minutes for 7 days",
  exponential: "Exponential backoff",
  custom: "Custom schedule",
};

export function DeliverySection({
  state,
  set,
  types,
  errors,
}: {
  state: FormState;
  set: Setter;
  types: EventType[];
  errors: FieldErrors;
}) {
  const schedulePreview = state.retryMode === "custom" ? scheduleText(state.schedule) : null;
  return (
    <Section title="Delivery" description="Timeout, retries and what counts as success.">
      <div className="grid-2">
        <Field
          id="wh-timeout"
          label="Timeout (ms)"
          error={errors.timeout_ms}
          hint="How long to wait for the endpoint's answer: 100–60000 ms (default 15000)."
        >
          <input
            id="wh-timeout"
            type="number"
            min={100}
            max={60000}
            step={100}
            value={state.timeoutMs}
            onChange={(e) => set("timeoutMs", e.target.value)}
            aria-describedby={describedBy("wh-timeout", errors.timeout_ms, true)}
          />
        </Field>
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
      </div>
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

      <fieldset className="field subsection">
        <legend>Success conditions</legend>
        <p className="hint">Empty: any 2xx answer within the timeout is a success.</p>
        <div className="grid-3">
          <Field id="wh-success-codes" label="Status codes" optional error={errors.success}>
            <input
              id="wh-success-codes"
              type="text"
              inputMode="numeric"
              placeholder="200, 201, 202"
              value={state.successCodes}
              onChange={(e) => set("successCodes", e.target.value)}
            />
          </Field>
          <Field
            id="wh-response-key"
            label="Response key"
            optional
            hint="Dot path in a JSON answer, e.g. result.ok."
          >
            <input
              id="wh-response-key"
              type="text"
              value={state.responseKey}
              onChange={(e) => set("responseKey", e.target.value)}
              aria-describedby="wh-response-key-hint"
            />
          </Field>
          <Field
            id="wh-expected-value"
            label="Expected value"
            optional
            hint="JSON (true, 1, &quot;ok&quot;) or text."
          >
            <input
              id="wh-expected-value"
              type="text"
              value={state.expectedValue}
              onChange={(e) => set("expectedValue", e.target.value)}
              aria-describedby="wh-expected-value-hint"
            />
          </Field>
        </div>
      </fieldset>

      <HoldAndLimits state={state} set={set} types={types} errors={errors} />
    </Section>
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
