/** Where an error shows in the destination form: the field of a server error path, and the element to focus. */
import { SHARED_FIELD_INPUT, sharedFieldOfPath } from "../../targets/form/server-errors";

/** The form field of a server error path (`/body/email/to/0` → "to", `/body/email/smtp/host` → "smtp.host"). */
export function destinationFieldOfPath(path: string | null): string {
  if (!path) return "form";
  const [first, second, third] = path.replace(/^\/body\/?/, "").split("/");
  if (first !== "email") return sharedFieldOfPath(first, second);
  switch (second) {
    case "smtp":
      return third ? `smtp.${third}` : "smtp.host";
    case "from":
    case "to":
    case "cc":
    case "subject":
      return second;
    default:
      return "to";
  }
}

export const DESTINATION_FIELD_INPUT: Record<string, string> = {
  ...SHARED_FIELD_INPUT,
  "smtp.host": "dst-host",
  "smtp.port": "dst-port",
  "smtp.security": "dst-security",
  "smtp.username": "dst-username",
  "smtp.password": "dst-password",
  from: "dst-from",
  to: "dst-to",
  cc: "dst-cc",
  subject: "dst-subject",
};
