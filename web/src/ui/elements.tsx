import { type ReactNode, useState } from "react";
import { ApiError, type DeliveryStatus, errorMessage, type Health } from "../api";

export function Loading({ label }: { label: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  const code = error instanceof ApiError && error.status > 0 ? ` (HTTP ${error.status}, ${error.code})` : "";
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>
        {errorMessage(error)}
        {code}
      </p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function Notice({
  kind,
  children,
  onDismiss,
}: {
  kind: "success" | "error" | "info";
  children: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      <div className="notice-body">{children}</div>
      {onDismiss && (
        <button type="button" className="button button-small button-quiet" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

const STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function StatusBadge({ status, extra }: { status: DeliveryStatus; extra?: string }) {
  return (
    <span className={`badge badge-${status}`}>
      {STATUS_LABEL[status]}
      {extra ? ` · ${extra}` : ""}
    </span>
  );
}

export function EnabledBadge({ enabled, reason }: { enabled: boolean; reason?: string | null }) {
  return (
    <span className={`badge ${enabled ? "badge-succeeded" : "badge-muted"}`} title={reason ?? undefined}>
      {enabled ? "Enabled" : "Disabled"}
    </span>
  );
}

/** The circuit breaker's state, as words. */
export function HealthBadge({ health }: { health: Health | undefined }) {
  if (!health?.circuit) return <span className="muted">—</span>;
  const failures = health.consecutive_failures ?? 0;
  switch (health.circuit) {
    case "closed":
      return failures > 0 ? (
        <span className="badge badge-pending">
          Degraded · {failures} failure{failures === 1 ? "" : "s"}
        </span>
      ) : (
        <span className="badge badge-succeeded">Healthy</span>
      );
    case "open":
      return <span className="badge badge-failed">Failing · paused</span>;
    case "half_open":
      return <span className="badge badge-pending">Recovering</span>;
    default:
      return <span className="badge badge-muted">{health.circuit}</span>;
  }
}

export function CodeBlock({ label, children }: { label: string; children: string | null | undefined }) {
  return (
    <figure className="code">
      <figcaption>{label}</figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be keyboard reachable. */}
      <pre tabIndex={0}>
        {children === null || children === undefined || children === "" ? "(empty)" : children}
      </pre>
    </figure>
  );
}

export function HeaderTable({ label, headers }: { label: string; headers: Record<string, string> | null }) {
  const entries = Object.entries(headers ?? {});
  return (
    <div className="kv">
      <div className="kv-label">{label}</div>
      {entries.length === 0 ? (
        <p className="muted">(none)</p>
      ) : (
        <dl>
          {entries.map(([name, value]) => (
            <div key={name} className="kv-row">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** Copies text; falls back to selecting it when the clipboard is unavailable. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2500);
  };
  return (
    <>
      <button type="button" className="button button-small" onClick={copy}>
        {label}
      </button>
      <span className="copy-state" role="status" aria-live="polite">
        {state === "copied"
          ? "Copied"
          : state === "failed"
            ? "Copy failed — select the text and copy it"
            : ""}
      </span>
    </>
  );
}
