/** An email destination as the API answers it: the server's own schema (src/targets/email/schema.ts). */
import type { EmailDestination } from "../../../../src/targets/email/schema.js";

export type Destination = EmailDestination;
export type EmailSettings = EmailDestination["email"];
export type SmtpSecurity = EmailSettings["smtp"]["security"];

/** The port each kind of connection usually uses (the server's defaults). */
export const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

/** "ops@firm.com, intake@firm.com" or "ops@firm.com + 3 more". */
export function recipientsSummary(to: readonly string[]): string {
  if (to.length <= 2) return to.join(", ");
  return `${to[0]} + ${to.length - 1} more`;
}
