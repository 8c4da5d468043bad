/** The form's "Delivery" section: timeout, retries and success conditions, then hold and limits. */
import type { EventType } from "../../../api";
import { describedBy, Field, partSetter, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import { RetryFields } from "../../targets/form/RetryFields";
import type { RetryState } from "../../targets/form/retry";
import { HoldAndLimits } from "./HoldAndLimits";
import type { FormState } from "./state";

export function DeliverySection({
  state,
  set,
  types,
  errors,
}: {
  state: FormState;
  set: Setter<FormState>;
  types: EventType[];
  errors: FieldErrors;
}) {
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
      </div>
      <RetryFields state={state} set={partSetter<RetryState, FormState>(set)} errors={errors} />

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
