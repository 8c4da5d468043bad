/** The form's "Events and filters" section: the event picker, followed by the delivery filters. */
import { useMemo } from "react";
import type { EventType } from "../../../api";
import { FieldError, Section, type Setter } from "../../../ui/fields";
import { FilterFields } from "./FilterFields";
import type { FieldErrors } from "./numbers";
import type { RoutingState } from "./routing";

export function EventsSection({
  state,
  set,
  types,
  errors,
  clearError,
  description = "Which events reach this endpoint.",
  noun = "webhook",
  withFilters = true,
}: {
  state: RoutingState;
  set: Setter<RoutingState>;
  types: EventType[];
  errors: FieldErrors;
  clearError: (field: string) => void;
  description?: string;
  noun?: string;
  /** False when the form shows the filters elsewhere (the webhook form's "Advanced"). */
  withFilters?: boolean;
}) {
  const categories = useMemo(() => {
    const map = new Map<string, EventType[]>();
    for (const type of types) map.set(type.category, [...(map.get(type.category) ?? []), type]);
    return [...map.entries()];
  }, [types]);
  const known = new Set([...types.map((t) => t.name), ...categories.map(([c]) => `${c}.*`)]);
  const unknown = state.events.filter((e) => !known.has(e));
  const toggle = (selector: string, on: boolean) => {
    clearError("events");
    set("events", on ? [...state.events, selector] : state.events.filter((e) => e !== selector));
  };
  const toggleCategory = (category: string, on: boolean) => {
    clearError("events");
    const rest = state.events.filter((e) => e !== `${category}.*` && !e.startsWith(`${category}.`));
    set("events", on ? [...rest, `${category}.*`] : rest);
  };

  return (
    <Section title={withFilters ? "Events and filters" : "Events"} description={description}>
      <fieldset className="field" aria-describedby={errors.events ? "wh-events-error" : undefined}>
        <legend>Events</legend>
        <label className="choice">
          <input
            id="wh-events-all"
            type="radio"
            name="events-mode"
            checked={state.allEvents}
            onChange={() => {
              clearError("events");
              set("allEvents", true);
            }}
          />
          <span>
            <strong>All events (including future ones)</strong>
            <span className="muted"> — new event types are delivered as the platform adds them.</span>
          </span>
        </label>
        <label className="choice">
          <input
            id="wh-events-some"
            type="radio"
            name="events-mode"
            checked={!state.allEvents}
            onChange={() => set("allEvents", false)}
          />
          <span>
            <strong>Only the events I pick</strong>
          </span>
        </label>
        <FieldError id="wh-events-error" error={errors.events} />
        {!state.allEvents && (
          <div className="event-picker">
            {categories.map(([category, list]) => {
              const wildcard = state.events.includes(`${category}.*`);
              return (
                <fieldset key={category} className="event-group">
                  <legend>{category}</legend>
                  <label className="choice">
                    <input
                      type="checkbox"
                      checked={wildcard}
                      onChange={(e) => toggleCategory(category, e.target.checked)}
                    />
                    <span>
                      Every {category} event, including future ones <code>{category}.*</code>
                    </span>
                  </label>
                  {list.map((type) => (
                    <label key={type.name} className="choice choice-indented">
                      <input
                        type="checkbox"
                        value={type.name}
                        checked={wildcard || state.events.includes(type.name)}
                        disabled={wildcard}
                        onChange={(e) => toggle(type.name, e.target.checked)}
                      />
                      <span>
                        <code>{type.name}</code> <span className="muted">{type.description}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              );
            })}
            {unknown.length > 0 && (
              <fieldset className="event-group">
                <legend>Not in the catalog</legend>
                {unknown.map((selector) => (
                  <label key={selector} className="choice">
                    <input type="checkbox" checked onChange={() => toggle(selector, false)} />
                    <span>
                      <code>{selector}</code>
                    </span>
                  </label>
                ))}
              </fieldset>
            )}
          </div>
        )}
      </fieldset>

      {withFilters && <FilterFields state={state} set={set} errors={errors} noun={noun} />}
    </Section>
  );
}
