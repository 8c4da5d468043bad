import { describedBy, Field, Section } from "../../ui/fields";
import { TextField } from "../records/TextField";
import { type ClientFormState, EMPTY_ADDRESS } from "./form-state";

const PHONE_TYPES = ["mobile", "home", "work", "other"] as const;

/** The client form's repeating parts: phones, emails and addresses, each added and removed by row. */
export function ContactSections({
  state,
  set,
  error,
}: {
  state: ClientFormState;
  set<K extends keyof ClientFormState>(key: K, value: ClientFormState[K]): void;
  error(field: string): string | undefined;
}) {
  return (
    <>
      <Section
        title="Phones and emails"
        description="Phone numbers in any common format; they are stored as +1… (E.164)."
      >
        {state.phones.map((phone, index) => {
          const id = `cl-phone-${index}`;
          const message = error(`phones.${index}`);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional; the number itself is being edited.
            <div className="list-row" key={index}>
              <Field id={id} label={`Phone ${index + 1}`} error={message}>
                <input
                  id={id}
                  type="tel"
                  value={phone.number}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={describedBy(id, message, false)}
                  onChange={(event) =>
                    set(
                      "phones",
                      state.phones.map((p, i) => (i === index ? { ...p, number: event.target.value } : p)),
                    )
                  }
                />
              </Field>
              <Field id={`${id}-type`} label="Kind">
                <select
                  id={`${id}-type`}
                  value={phone.type}
                  onChange={(event) =>
                    set(
                      "phones",
                      state.phones.map((p, i) =>
                        i === index ? { ...p, type: event.target.value as (typeof PHONE_TYPES)[number] } : p,
                      ),
                    )
                  }
                >
                  {PHONE_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "phones",
                    state.phones.filter((_, i) => i !== index),
                  )
                }
              >
                Remove phone {index + 1}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("phones", [...state.phones, { number: "", type: "mobile" }])}
        >
          Add phone
        </button>
        <hr />
        {state.emails.map((email, index) => {
          const id = `cl-email-${index}`;
          const message = error(`emails.${index}`);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional; the address itself is being edited.
            <div className="inline" key={index}>
              <Field id={id} label={`Email ${index + 1}`} error={message}>
                <input
                  id={id}
                  type="email"
                  value={email}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={describedBy(id, message, false)}
                  onChange={(event) =>
                    set(
                      "emails",
                      state.emails.map((e, i) => (i === index ? event.target.value : e)),
                    )
                  }
                />
              </Field>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "emails",
                    state.emails.filter((_, i) => i !== index),
                  )
                }
              >
                Remove email {index + 1}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("emails", [...state.emails, ""])}
        >
          Add email
        </button>
      </Section>

      <Section title="Addresses">
        {state.addresses.length === 0 && <p className="muted">No address.</p>}
        {state.addresses.map((address, index) => {
          const message = error(`addresses.${index}`);
          const update = (key: keyof typeof address, value: string) =>
            set(
              "addresses",
              state.addresses.map((a, i) => (i === index ? { ...a, [key]: value } : a)),
            );
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional.
            <fieldset className="vocab-item" key={index}>
              <legend>Address {index + 1}</legend>
              <div className="grid-2">
                <TextField
                  id={`cl-address-${index}-street`}
                  label="Street"
                  value={address.street}
                  error={message}
                  onChange={(v) => update("street", v)}
                />
                <TextField
                  id={`cl-address-${index}-city`}
                  label="City"
                  value={address.city}
                  onChange={(v) => update("city", v)}
                />
                <TextField
                  id={`cl-address-${index}-state`}
                  label="State"
                  value={address.state}
                  onChange={(v) => update("state", v)}
                />
                <TextField
                  id={`cl-address-${index}-postal_code`}
                  label="Postal code"
                  value={address.postal_code}
                  onChange={(v) => update("postal_code", v)}
                />
              </div>
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  set(
                    "addresses",
                    state.addresses.filter((_, i) => i !== index),
                  )
                }
              >
                Remove address {index + 1}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button button-small"
          onClick={() => set("addresses", [...state.addresses, { ...EMPTY_ADDRESS }])}
        >
          Add address
        </button>
      </Section>
    </>
  );
}
