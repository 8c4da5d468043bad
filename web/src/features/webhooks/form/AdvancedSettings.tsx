/**
 * "Advanced": everything of the webhook form past the essentials (URL, description, events),
 * folded away on a new webhook so the first one takes three fields. It opens by itself when a
 * field inside it has an error, so the error can be seen and focused.
 */
import { type ReactNode, useState } from "react";

export function AdvancedSettings({
  initiallyOpen,
  errorInside,
  children,
}: {
  initiallyOpen: boolean;
  errorInside: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <details
      className="advanced-settings"
      open={open || errorInside}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary className="advanced-settings-toggle">
        <strong>Advanced</strong>
        <span className="muted">
          {" "}
          — method, filters, headers and authentication, body, retries, success rule, limits
        </span>
      </summary>
      {children}
    </details>
  );
}

/** The fields the form shows before "Advanced". */
export const ESSENTIAL_FIELDS: ReadonlySet<string> = new Set(["url", "description", "events"]);
