import { checkDestinationHost } from "../../domain/destination.js";
import { DEFAULT_EMAIL_SUBJECT, isEmailAddress } from "../../domain/email-message.js";
import { invalid } from "../../domain/errors.js";
import { compileTemplate } from "../../domain/template.js";
import type { EmailSettings, EmailSettingsInput } from "./schema.js";

/** The usual port of each kind of connection. */
const DEFAULT_PORT: Record<EmailSettings["smtp"]["security"], number> = { starttls: 587, tls: 465, none: 25 };

/**
 * Checks what the JSON schema cannot and fills in the defaults: the SMTP host is public (unless
 * private targets are allowed), plain SMTP only where private targets are, addresses are plain
 * mailboxes, the subject template compiles. A password left out keeps `stored`'s (an update that
 * does not touch it). Throws a 422 naming the failing field under `/body/email`.
 */
export function emailSettings(
  input: EmailSettingsInput,
  stored: EmailSettings | null,
  allowPrivateTargets: boolean,
): EmailSettings {
  const refused = checkDestinationHost(input.smtp.host, { allowPrivate: allowPrivateTargets });
  if (refused !== null) throw invalid("/body/email/smtp/host", refused, { reason: "destination_refused" });
  const security = input.smtp.security ?? "starttls";
  if (security === "none" && !allowPrivateTargets) {
    throw invalid(
      "/body/email/smtp/security",
      'plain SMTP ("none") would send credentials and events unencrypted; use "starttls" or "tls"',
      { reason: "destination_refused" },
    );
  }
  const addresses: Array<[string, string]> = [
    ["/body/email/from", input.from],
    ...input.to.map((to, i): [string, string] => [`/body/email/to/${i}`, to]),
    ...(input.cc ?? []).map((cc, i): [string, string] => [`/body/email/cc/${i}`, cc]),
  ];
  for (const [path, address] of addresses) {
    if (!isEmailAddress(address)) throw invalid(path, `"${address}" is not an email address (name@domain)`);
  }
  const subject = input.subject ?? DEFAULT_EMAIL_SUBJECT;
  const compiled = compileTemplate(subject);
  if (!compiled.ok) {
    const { message, line, column } = compiled.error;
    throw invalid("/body/email/subject", `${message} (line ${line}, column ${column})`, {
      reason: "template_syntax",
      line,
      column,
    });
  }
  const username = input.smtp.username ?? null;
  const password = input.smtp.password === undefined ? (stored?.smtp.password ?? null) : input.smtp.password;
  if (password !== null && username === null) {
    throw invalid("/body/email/smtp/username", "a password needs a username");
  }
  return {
    smtp: {
      host: input.smtp.host,
      port: input.smtp.port ?? DEFAULT_PORT[security],
      security,
      username,
      password: username === null ? null : password,
    },
    from: input.from,
    to: input.to,
    cc: input.cc ?? [],
    subject,
  };
}
