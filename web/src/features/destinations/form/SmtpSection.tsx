/** The form's "Mail server" section: SMTP host, port, connection security and login. */
import { describedBy, Field, Section, type Setter } from "../../../ui/fields";
import type { FieldErrors } from "../../targets/form/numbers";
import { DEFAULT_PORT, type SmtpSecurity } from "../types";
import type { DestinationFormState } from "./state";

const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: "STARTTLS (usually port 587)",
  tls: "TLS from the start (usually port 465)",
  none: "None — plain SMTP (local relays only)",
};

export function SmtpSection({
  state,
  set,
  errors,
}: {
  state: DestinationFormState;
  set: Setter<DestinationFormState>;
  errors: FieldErrors;
}) {
  return (
    <Section title="Mail server" description="The SMTP server Switchboard sends each event's email through.">
      <div className="grid-2">
        <Field id="dst-host" label="SMTP host" error={errors["smtp.host"]}>
          <input
            id="dst-host"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="smtp.example.com"
            value={state.host}
            onChange={(e) => set("host", e.target.value)}
            aria-invalid={errors["smtp.host"] ? true : undefined}
            aria-describedby={describedBy("dst-host", errors["smtp.host"], false)}
          />
        </Field>
        <Field
          id="dst-port"
          label="Port"
          optional
          error={errors["smtp.port"]}
          hint={`Empty: ${DEFAULT_PORT[state.security]} for this security.`}
        >
          <input
            id="dst-port"
            type="number"
            min={1}
            max={65535}
            placeholder={String(DEFAULT_PORT[state.security])}
            value={state.port}
            onChange={(e) => set("port", e.target.value)}
            aria-describedby={describedBy("dst-port", errors["smtp.port"], true)}
          />
        </Field>
      </div>
      <Field
        id="dst-security"
        label="Security"
        error={errors["smtp.security"]}
        hint={
          state.security === "none"
            ? "Plain SMTP is refused unless the server allows private targets (development only)."
            : undefined
        }
      >
        <select
          id="dst-security"
          value={state.security}
          onChange={(e) => set("security", e.target.value as SmtpSecurity)}
          aria-describedby={describedBy("dst-security", errors["smtp.security"], state.security === "none")}
        >
          {(Object.keys(SECURITY_LABELS) as SmtpSecurity[]).map((security) => (
            <option key={security} value={security}>
              {SECURITY_LABELS[security]}
            </option>
          ))}
        </select>
      </Field>
      <div className="grid-2">
        <Field id="dst-username" label="User name" optional error={errors["smtp.username"]}>
          <input
            id="dst-username"
            type="text"
            autoComplete="off"
            value={state.username}
            onChange={(e) => set("username", e.target.value)}
          />
        </Field>
        <Field
          id="dst-password"
          label="Password"
          optional
          error={errors["smtp.password"]}
          hint={state.passwordStored ? "Leave empty to keep the stored password." : undefined}
        >
          <input
            id="dst-password"
            type="password"
            autoComplete="new-password"
            placeholder={state.passwordStored ? "unchanged" : ""}
            value={state.password}
            onChange={(e) => set("password", e.target.value)}
            aria-describedby={describedBy("dst-password", errors["smtp.password"], state.passwordStored)}
          />
        </Field>
      </div>
    </Section>
  );
}
