/** Conversion of the destination form's state to the API's request body. */
import { splitList } from "../../../ui/format";
import { type FieldErrors, integer } from "../../targets/form/numbers";
import { retryPayload } from "../../targets/form/retry";
import { routingPayload } from "../../targets/form/routing";
import type { DestinationFormState } from "./state";

/** Only the shape is checked here (something typed, a number); the server checks the addresses. */
export function toDestinationPayload(
  state: DestinationFormState,
  editing: boolean,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const body: Record<string, unknown> = editing ? {} : { kind: "email" };
  body.description = state.description.trim();
  body.enabled = state.enabled;

  const smtp: Record<string, unknown> = { host: state.host.trim(), security: state.security };
  if (smtp.host === "") errors["smtp.host"] = "Enter the SMTP server's host name.";
  const port = integer(errors, "smtp.port", "The port", state.port, 1, 65_535);
  if (port !== undefined) smtp.port = port;
  const username = state.username.trim();
  smtp.username = username === "" ? null : username;
  // Sent only when typed: left out, an update keeps the stored one. Never sent as null: the
  // server's schema coercion turns a null password into "", which it then refuses without a user.
  if (state.password !== "") smtp.password = state.password;

  const email: Record<string, unknown> = { smtp, from: state.from.trim(), to: splitList(state.to) };
  if (email.from === "") errors.from = "Enter the sender's address.";
  if (splitList(state.to).length === 0) errors.to = "Enter at least one recipient.";
  email.cc = splitList(state.cc);
  if (state.subject.trim() !== "") email.subject = state.subject;
  body.email = email;

  routingPayload(state, body, errors);
  body.retry = retryPayload(state, errors);
  return { body, errors };
}
