/** The email destination form's state: its shape, its defaults, and a stored destination read into it. */
import { emptyRetry, type RetryState, retryFromSettings } from "../../targets/form/retry";
import { emptyRouting, type RoutingState, routingFromTarget } from "../../targets/form/routing";
import type { Destination, SmtpSecurity } from "../types";

export interface DestinationFormState extends RoutingState, RetryState {
  description: string;
  enabled: boolean;
  host: string;
  /** Empty: the usual port of the chosen security. */
  port: string;
  security: SmtpSecurity;
  username: string;
  /** Write-only: empty when editing keeps the stored password (left out of the update). */
  password: string;
  /** Editing, with a password stored: the field's placeholder says it stays unchanged. */
  passwordStored: boolean;
  from: string;
  /** Addresses, comma or newline separated. */
  to: string;
  cc: string;
  subject: string;
}

export function emptyDestinationForm(): DestinationFormState {
  return {
    ...emptyRouting(),
    ...emptyRetry(),
    description: "",
    enabled: true,
    host: "",
    port: "",
    security: "starttls",
    username: "",
    password: "",
    passwordStored: false,
    from: "",
    to: "",
    cc: "",
    subject: "",
  };
}

export function formFromDestination(d: Destination): DestinationFormState {
  const smtp = d.email.smtp;
  return {
    ...routingFromTarget(d),
    ...retryFromSettings(d.retry),
    description: d.description,
    enabled: d.enabled,
    host: smtp.host,
    port: String(smtp.port),
    security: smtp.security,
    username: smtp.username ?? "",
    password: "",
    passwordStored: smtp.password !== null,
    from: d.email.from,
    to: d.email.to.join(", "),
    cc: d.email.cc.join(", "),
    subject: d.email.subject,
  };
}
