import { type FormEvent, useEffect, useState } from "react";
import {
  type Delivery,
  type DeliveryStatus,
  errorMessage,
  type Page,
  type SecretAnswer,
  type TestResult,
  type Webhook,
} from "../api";
import { useCatalog } from "../catalog";
import { clearFlash, peekFlash } from "../flash";
import { eventsSummary, formatDuration, formatSeconds, formatTime, relativeTime } from "../format";
import { useApi, useResource } from "../hooks";
import { Link, navigate } from "../router";
import {
  CopyButton,
  Empty,
  EnabledBadge,
  ErrorState,
  HealthBadge,
  Loading,
  Notice,
  StatusBadge,
} from "../ui";
import { DeliveryInspector } from "./DeliveryInspector";

export function WebhookDetail({ id, delivery }: { id: string; delivery: string | null }) {
  const call = useApi();
  const [webhook, reload, replace] = useResource(`webhook:${id}`, (signal) =>
    call<Webhook>("GET", `/v1/webhooks/${id}`, undefined, signal),
  );
  const [flash] = useState(() => peekFlash(id));
  const [showFlash, setShowFlash] = useState(true);
  useEffect(() => clearFlash(id), [id]);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const refreshDeliveries = () => setDeliveriesVersion((v) => v + 1);

  const back = (
    <Link href="/" className="back-link">
      ← All webhooks
    </Link>
  );
  if (webhook.state === "error" && !webhook.data) {
    return (
      <>
        {back}
        <ErrorState title="Could not load the webhook" error={webhook.error} onRetry={reload} />
      </>
    );
  }
  if (!webhook.data) {
    return (
      <>
        {back}
        <Loading label="Loading the webhook…" />
      </>
    );
  }
  const w = webhook.data;
  return (
    <>
      {back}
      <div className="page-head">
        <div className="title-block">
          <h1 className="url">{w.url}</h1>
          <p className="muted">{w.description || "No description"}</p>
          <div className="badges">
            <EnabledBadge enabled={w.enabled} reason={w.disabled_reason} />
            <HealthBadge health={w.health} />
            <span className="mono muted">{w.id}</span>
          </div>
          {!w.enabled && w.disabled_reason && (
            <p className="note">Disabled automatically: {w.disabled_reason}</p>
          )}
        </div>
        <div className="actions">
          <Link className="button" href={`/webhooks/${w.id}/edit`}>
            Edit
          </Link>
          <EnableToggle webhook={w} onChange={replace} />
        </div>
      </div>
      {flash && showFlash && (
        <Notice kind={flash.kind} onDismiss={() => setShowFlash(false)}>
          <p>{flash.message}</p>
          {flash.secret && (
            <p className="secret-line">
              <code data-testid="new-secret">{flash.secret}</code> <CopyButton text={flash.secret} />
            </p>
          )}
        </Notice>
      )}
      {webhook.state === "error" && (
        <ErrorState title="Could not refresh the webhook" error={webhook.error} onRetry={reload} />
      )}

      <div className="detail-grid">
        <TestPanel webhook={w} onSent={refreshDeliveries} />
        <SecretPanel webhook={w} onRotated={() => setShowFlash(false)} />
        <ReplayPanel webhook={w} onReplayed={refreshDeliveries} />
      </div>

      <Settings webhook={w} />

      <Deliveries webhookId={w.id} selected={delivery} version={deliveriesVersion} />
      {delivery && (
        <DeliveryInspector
          key={delivery}
          id={delivery}
          onClose={() => navigate(`/webhooks/${w.id}`, { replace: true })}
          onChanged={refreshDeliveries}
        />
      )}
    </>
  );
}

function EnableToggle({ webhook, onChange }: { webhook: Webhook; onChange: (w: Webhook) => void }) {
  const call = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await call<Webhook>("PATCH", `/v1/webhooks/${webhook.id}`, {
        enabled: !webhook.enabled,
      });
      onChange({ ...webhook, ...updated, health: updated.health ?? webhook.health });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={toggle} disabled={busy}>
        {busy ? "Saving…" : webhook.enabled ? "Disable" : "Enable"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function TestPanel({ webhook, onSent }: { webhook: Webhook; onSent: () => void }) {
  const call = useApi();
  const [catalog] = useCatalog();
  const [type, setType] = useState("webhook.test");
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "sending" }
    | { kind: "done"; result: TestResult }
    | { kind: "error"; message: string }
  >({ kind: "idle" });
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setState({ kind: "sending" });
    try {
      const result = await call<TestResult>("POST", `/v1/webhooks/${webhook.id}/test`, { event_type: type });
      setState({ kind: "done", result });
      onSent();
    } catch (caught) {
      setState({ kind: "error", message: errorMessage(caught) });
    }
  };
  const types = catalog.data?.data ?? [];
  return (
    <section className="card" aria-labelledby="test-title">
      <h2 id="test-title">Send a test</h2>
      <p className="muted">
        Sends the catalog example of an event type to this endpoint now, signed like a real delivery.
      </p>
      <form onSubmit={send} className="stack">
        <div className="field">
          <label htmlFor="test-type">Event type</label>
          <select id="test-type" value={type} onChange={(e) => setType(e.target.value)}>
            {!types.some((t) => t.name === "webhook.test") && (
              <option value="webhook.test">webhook.test</option>
            )}
            {types.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
          {catalog.state === "error" && (
            <p className="hint">The catalog did not load; only webhook.test is offered.</p>
          )}
        </div>
        <button type="submit" className="button button-primary" disabled={state.kind === "sending"}>
          {state.kind === "sending" ? "Sending…" : "Send test"}
        </button>
      </form>
      <div aria-live="polite" data-testid="test-result">
        {state.kind === "error" && (
          <p className="field-error" role="alert">
            The test could not be sent: {state.message}
          </p>
        )}
        {state.kind === "done" && <TestOutcome webhookId={webhook.id} result={state.result} />}
      </div>
    </section>
  );
}

function TestOutcome({ webhookId, result }: { webhookId: string; result: TestResult }) {
  const a = result.attempt;
  return (
    <div className={`result ${result.succeeded ? "result-ok" : "result-fail"}`}>
      <strong>{result.succeeded ? "Delivered" : "Failed"}</strong>
      {a.response ? ` — HTTP ${a.response.status}` : ""}
      {` in ${formatDuration(a.duration_ms)}`}
      {a.error && (
        <p>
          {a.error.kind}: {a.error.message}
        </p>
      )}
      {a.response?.body ? <pre className="result-body">{truncate(a.response.body, 400)}</pre> : null}
      <p>
        <Link href={`/webhooks/${webhookId}?delivery=${result.delivery_id}`}>Inspect this delivery</Link>
      </p>
    </div>
  );
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

function SecretPanel({ webhook, onRotated }: { webhook: Webhook; onRotated: () => void }) {
  const call = useApi();
  const [secret, setSecret] = useState<SecretAnswer | null>(null);
  const [busy, setBusy] = useState<"reveal" | "rotate" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);

  const reveal = async () => {
    setBusy("reveal");
    setError(null);
    try {
      setSecret(await call<SecretAnswer>("GET", `/v1/webhooks/${webhook.id}/secret`));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };
  const rotate = async () => {
    setBusy("rotate");
    setError(null);
    try {
      const answer = await call<{ secret: string; previous_secret_expires_at: string }>(
        "POST",
        `/v1/webhooks/${webhook.id}/rotate-secret`,
      );
      setConfirming(false);
      setRotated(answer.previous_secret_expires_at);
      onRotated();
      setSecret({
        secret: answer.secret,
        previous_secret: null,
        previous_secret_expires_at: answer.previous_secret_expires_at,
      });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p className="muted">
        Receivers verify <code>webhook-signature</code> with it (Standard Webhooks).
      </p>
      {secret ? (
        <div className="secret">
          <div className="secret-line">
            <code data-testid="secret-value">{secret.secret}</code>
          </div>
          <div className="actions">
            <CopyButton text={secret.secret} />
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => setSecret(null)}
            >
              Hide
            </button>
          </div>
          {secret.previous_secret_expires_at && (
            <p className="hint">
              The previous secret keeps signing too until {formatTime(secret.previous_secret_expires_at)}.
            </p>
          )}
        </div>
      ) : (
        <button type="button" className="button" onClick={reveal} disabled={busy !== null}>
          {busy === "reveal" ? "Revealing…" : "Reveal secret"}
        </button>
      )}
      <div className="subsection" aria-live="polite">
        {rotated && (
          <p className="result result-ok" role="status">
            Secret rotated. The old secret keeps signing until {formatTime(rotated)}.
          </p>
        )}
        {confirming ? (
          <div className="confirm">
            <p>Rotate the secret? Deliveries carry both signatures for 24 hours, so receivers can switch.</p>
            <div className="actions">
              <button
                type="button"
                className="button button-danger"
                onClick={rotate}
                disabled={busy !== null}
              >
                {busy === "rotate" ? "Rotating…" : "Yes, rotate"}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => setConfirming(true)}
            disabled={busy !== null}
          >
            Rotate secret
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** `datetime-local` value for a time (local clock). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function ReplayPanel({ webhook, onReplayed }: { webhook: Webhook; onReplayed: () => void }) {
  const call = useApi();
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600 * 1000));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ms = Date.parse(since);
    if (since === "" || Number.isNaN(ms)) {
      setResult({ ok: false, text: "Choose the date and time to replay from." });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      const answer = await call<{ replayed: number }>("POST", `/v1/webhooks/${webhook.id}/replay`, {
        status: "failed",
        since: new Date(ms).toISOString(),
      });
      setResult({
        ok: true,
        text:
          answer.replayed === 0
            ? "No failed deliveries since then."
            : `Re-queued ${answer.replayed} failed deliver${answer.replayed === 1 ? "y" : "ies"}.`,
      });
      onReplayed();
    } catch (caught) {
      setResult({ ok: false, text: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay failed deliveries</h2>
      <p className="muted">
        Sends every failed delivery created since a date again, with the same webhook-id.
      </p>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="replay-since">Failed since</label>
          <input
            id="replay-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Replaying…" : "Replay failed"}
        </button>
      </form>
      <div aria-live="polite">
        {result && (
          <p className={result.ok ? "result result-ok" : "field-error"} role={result.ok ? "status" : "alert"}>
            {result.text}
          </p>
        )}
      </div>
    </section>
  );
}

function retryText(w: Webhook): string {
  const r = w.retry;
  if (r.schedule && r.schedule.length > 0) return `Custom: ${r.schedule.map(formatSeconds).join(", ")}`;
  const preset = r.preset ?? "standard";
  const parts = [
    preset === "standard"
      ? "Standard (5 min, 30 min, 2 h, 24 h)"
      : preset === "every_30m_for_7d"
        ? "Every 30 min for 7 days"
        : "Exponential",
  ];
  if (r.max_attempts) parts.push(`max ${r.max_attempts} attempts`);
  if (r.total_timeout_s) parts.push(`give up after ${formatSeconds(r.total_timeout_s)}`);
  return parts.join(", ");
}

function Settings({ webhook: w }: { webhook: Webhook }) {
  const filters = Object.entries(w.filters).filter(
    ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
  );
  const success = [
    w.success.status_codes?.length ? `status ${w.success.status_codes.join(", ")}` : null,
    w.success.response_key ? `${w.success.response_key} = ${JSON.stringify(w.success.expected_value)}` : null,
  ].filter(Boolean);
  const rows: Array<[string, string]> = [
    ["Events", eventsSummary(w.events)],
    ["Campaign", w.campaign_id ?? "Any"],
    [
      "Filters",
      filters.length
        ? filters.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : JSON.stringify(v)}`).join("; ")
        : "None",
    ],
    ["Method", w.method],
    ["Headers", Object.keys(w.headers).length ? Object.keys(w.headers).join(", ") : "None"],
    ["Authentication", w.auth.type === "none" ? "None" : w.auth.type.replace("_", " ")],
    ["App key", w.app_key ?? "None"],
    [
      "Body",
      `${w.body.format === "json" ? "JSON" : "Form"}${w.body.template !== undefined ? ", templated" : ""}`,
    ],
    ["Timeout", formatDuration(w.timeout_ms)],
    ["Retries", retryText(w)],
    ["Success", success.length ? success.join("; ") : "Any 2xx"],
  ];
  if (w.signature_header) rows.push(["Signature header", w.signature_header]);
  if (w.hold) rows.push(["Hold", `until ${w.hold.until_event}, at most ${formatSeconds(w.hold.max_wait_s)}`]);
  if (w.max_in_flight) rows.push(["Concurrent requests", String(w.max_in_flight)]);
  if (w.rate_limit_per_s) rows.push(["Rate limit", `${w.rate_limit_per_s}/s`]);
  rows.push(["Created", formatTime(w.created_at)], ["Updated", formatTime(w.updated_at)]);
  return (
    <details className="card settings">
      <summary>
        <h2 className="settings-title">Settings</h2>
      </summary>
      <dl className="settings-list">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

const PAGE_SIZE = 20;
const FILTERS: Array<{ value: "" | DeliveryStatus; label: string }> = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

function Deliveries({
  webhookId,
  selected,
  version,
}: {
  webhookId: string;
  selected: string | null;
  version: number;
}) {
  const call = useApi();
  const [status, setStatus] = useState<"" | DeliveryStatus>("");
  // Cursors of the pages before the current one; the current page's cursor is the last entry.
  const [cursors, setCursors] = useState<string[]>([""]);
  const cursor = cursors.at(-1) ?? "";
  const [tick, setTick] = useState(0);
  const [page, reload] = useResource(
    `deliveries:${webhookId}:${status}:${cursor}:${version}:${tick}`,
    (signal) => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (status) query.set("status", status);
      if (cursor) query.set("cursor", cursor);
      return call<Page<Delivery>>("GET", `/v1/webhooks/${webhookId}/deliveries?${query}`, undefined, signal);
    },
  );
  const hasPending = page.data?.data.some((d) => d.status === "pending") ?? false;
  // While deliveries are on their way, refresh the page every few seconds.
  useEffect(() => {
    if (!hasPending || page.state !== "ready") return;
    const timer = setTimeout(() => setTick((t) => t + 1), 3000);
    return () => clearTimeout(timer);
  }, [hasPending, page.state]);

  const changeStatus = (value: "" | DeliveryStatus) => {
    setStatus(value);
    setCursors([""]);
  };

  return (
    <section className="card" aria-labelledby="deliveries-title">
      <div className="section-head">
        <h2 id="deliveries-title">Recent deliveries</h2>
        <div className="actions">
          <label htmlFor="delivery-status" className="inline-label">
            Status
          </label>
          <select
            id="delivery-status"
            value={status}
            onChange={(e) => changeStatus(e.target.value as "" | DeliveryStatus)}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
          <button type="button" className="button button-small" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      {page.state === "error" && (
        <ErrorState title="Could not load deliveries" error={page.error} onRetry={reload} />
      )}
      {!page.data && page.state === "loading" && <Loading label="Loading deliveries…" />}
      {page.data && page.data.data.length === 0 && (
        <Empty title={status ? `No ${status} deliveries` : "No deliveries yet"}>
          <p>
            {status
              ? "Choose another status to see the rest."
              : "Events that match this webhook appear here. Send a test to see one now."}
          </p>
        </Empty>
      )}
      {page.data && page.data.data.length > 0 && (
        <table className="table table-cards deliveries-table" aria-busy={page.state === "loading"}>
          <caption className="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.data.map((d) => (
              <DeliveryRow
                key={d.id}
                webhookId={webhookId}
                delivery={d}
                selected={d.id === selected}
                onRetried={reload}
              />
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || page.data?.next_cursor) && (
        <nav className="pager" aria-label="Delivery pages">
          <button
            type="button"
            className="button button-small"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Newer
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="button button-small"
            disabled={!page.data?.next_cursor}
            onClick={() => {
              const next = page.data?.next_cursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}

function DeliveryRow({
  webhookId,
  delivery: d,
  selected,
  onRetried,
}: {
  webhookId: string;
  delivery: Delivery;
  selected: boolean;
  onRetried: () => void;
}) {
  const call = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("POST", `/v1/deliveries/${d.id}/retry`);
      onRetried();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const extra = d.held
    ? "held"
    : d.in_flight
      ? "sending"
      : d.status === "pending" && d.next_attempt_at
        ? `next ${relativeTime(d.next_attempt_at)}`
        : undefined;
  return (
    <tr className={selected ? "row-selected" : undefined}>
      <td data-label="Status">
        <StatusBadge status={d.status} extra={extra} />
      </td>
      <td data-label="Event" className="mono">
        {d.event_id}
      </td>
      <td data-label="Attempts">{d.attempt_count}</td>
      <td data-label="Last answer">
        {d.last_status_code !== null ? (
          `HTTP ${d.last_status_code}`
        ) : d.last_error ? (
          <span title={d.last_error}>{truncate(d.last_error, 60)}</span>
        ) : (
          "—"
        )}
      </td>
      <td data-label="Created">
        <time dateTime={d.created_at} title={formatTime(d.created_at)}>
          {relativeTime(d.created_at)}
        </time>
      </td>
      <td>
        <div className="row-actions">
          <Link
            className="button button-small"
            href={`/webhooks/${webhookId}?delivery=${d.id}`}
            aria-label={`Inspect delivery ${d.id}`}
          >
            Inspect
          </Link>
          {(d.status === "failed" || (d.status === "pending" && !d.in_flight)) && (
            <button
              type="button"
              className="button button-small"
              onClick={retry}
              disabled={busy}
              aria-label={`Retry delivery ${d.id}`}
            >
              {busy ? "Retrying…" : "Retry"}
            </button>
          )}
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}
