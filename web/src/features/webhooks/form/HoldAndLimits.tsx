/** Holding deliveries until a later event of the same call, and the concurrency and rate limits. */
import type { EventType } from "../../../api";
import { Field, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import type { FormState } from "./state";

export function HoldAndLimits({
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
  const holdTypes = types.filter((t) => {
    const properties = (t.schema as { properties?: Record<string, unknown> }).properties;
    return properties !== undefined && "call_id" in properties;
  });
  return (
    <>
      <fieldset className="field subsection">
        <legend>Hold until a later event</legend>
        <label className="choice">
          <input
            id="wh-hold"
            type="checkbox"
            checked={state.hold}
            onChange={(e) => set("hold", e.target.checked)}
          />
          <span>
            Hold deliveries of a call's events until another event of the same call arrives (its data is
            merged in)
          </span>
        </label>
        {state.hold && (
          <div className="grid-2">
            <Field id="wh-hold-event" label="Released by" error={errors.hold}>
              <select
                id="wh-hold-event"
                value={state.holdEvent}
                onChange={(e) => set("holdEvent", e.target.value)}
              >
                <option value="">Choose an event…</option>
                {holdTypes.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="wh-hold-wait"
              label="Longest wait (s)"
              hint="At most 86400 (24 h); then it is sent as it is."
            >
              <input
                id="wh-hold-wait"
                type="number"
                min={1}
                max={86400}
                value={state.holdWait}
                onChange={(e) => set("holdWait", e.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>

      <div className="grid-2 subsection">
        <Field
          id="wh-max-in-flight"
          label="Concurrent requests"
          optional
          error={errors.max_in_flight}
          hint="At most this many requests to this endpoint at once (1–100)."
        >
          <input
            id="wh-max-in-flight"
            type="number"
            min={1}
            max={100}
            value={state.maxInFlight}
            onChange={(e) => set("maxInFlight", e.target.value)}
          />
        </Field>
        <Field
          id="wh-rate-limit"
          label="Rate limit (requests per second)"
          optional
          error={errors.rate_limit_per_s}
          hint="1–10000; empty for no limit."
        >
          <input
            id="wh-rate-limit"
            type="number"
            min={1}
            max={10000}
            value={state.rateLimit}
            onChange={(e) => set("rateLimit", e.target.value)}
          />
        </Field>
      </div>
    </>
  );
}
