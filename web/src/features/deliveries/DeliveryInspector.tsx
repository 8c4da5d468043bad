import { useEffect, useRef, useState } from "react";
import { type Attempt, type DeliveryDetail, errorMessage } from "../../api";
import { CodeBlock, ErrorState, HeaderTable, Loading, StatusBadge } from "../../ui/elements";
import { deliveryNote, formatDuration, formatTime, pretty, relativeTime } from "../../ui/format";
import { useAllows, useApi, useResource } from "../../ui/hooks";
import { answerText, protocolOf } from "./answer";

/** One delivery with every attempt: request, response, error, timing. */
export function DeliveryInspector({
  id,
  onClose,
  onChanged,
}: {
  id: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const call = useApi();
  const mayRetry = useAllows("deliveries:write");
  const [tick, setTick] = useState(0);
  const [detail, reload] = useResource(`delivery:${id}:${tick}`, (signal) =>
    call<DeliveryDetail>("GET", `/v1/deliveries/${id}`, undefined, signal),
  );
  const [retrying, setRetrying] = useState<{ from: number; until: number } | null>(null);
  const [retryError, setRetryError] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const d = detail.data;
  const loaded = d !== null;
  // Bring the inspector into view (and focus its heading for keyboard users) once it has content.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when the content arrives.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: "start" });
    headingRef.current?.focus({ preventScroll: true });
  }, [loaded]);

  // After a retry, or while the delivery is on its way, poll until something changes.
  const waiting =
    d !== null &&
    ((retrying !== null && d.attempt_count <= retrying.from && Date.now() < retrying.until) ||
      d.state === "claimed" ||
      ((d.state === "due" || d.state === "held" || d.state === "circuit_open") &&
        d.next_attempt_at !== null &&
        Date.parse(d.next_attempt_at) < Date.now() + 10_000));
  useEffect(() => {
    if (!waiting || detail.state !== "ready") return;
    const timer = setTimeout(() => setTick((t) => t + 1), 700);
    return () => clearTimeout(timer);
  }, [waiting, detail.state]);
  useEffect(() => {
    if (retrying && d && d.attempt_count > retrying.from) {
      setRetrying(null);
      onChanged();
    }
  }, [retrying, d, onChanged]);

  const retry = async () => {
    if (!d) return;
    setRetryError(null);
    try {
      await call("POST", `/v1/deliveries/${id}/retry`);
      setRetrying({ from: d.attempt_count, until: Date.now() + 20_000 });
      setTick((t) => t + 1);
      onChanged();
    } catch (caught) {
      setRetryError(errorMessage(caught));
    }
  };

  return (
    <section ref={ref} className="card inspector" aria-labelledby="inspector-title">
      <div className="section-head">
        <h2 id="inspector-title" ref={headingRef} tabIndex={-1}>
          Delivery <span className="mono">{id}</span>
        </h2>
        <div className="actions">
          {mayRetry && d && (d.status === "failed" || (d.status === "pending" && d.state !== "claimed")) && (
            <button
              type="button"
              className="button button-primary"
              onClick={retry}
              disabled={retrying !== null}
            >
              {retrying ? "Retrying…" : "Retry now"}
            </button>
          )}
          <button type="button" className="button button-small" onClick={reload}>
            Refresh
          </button>
          <button type="button" className="button button-small button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {retryError && (
        <p className="field-error" role="alert">
          The delivery could not be retried: {retryError}
        </p>
      )}
      {detail.state === "error" && !d && (
        <ErrorState title="Could not load the delivery" error={detail.error} onRetry={reload} />
      )}
      {!d && detail.state === "loading" && <Loading label="Loading the delivery…" />}
      {d && (
        <>
          <dl className="summary" aria-live="polite">
            <div>
              <dt>Status</dt>
              <dd data-testid="inspector-status">
                <StatusBadge status={d.status} extra={deliveryNote(d)} />
              </dd>
            </div>
            <div>
              <dt>Event</dt>
              <dd className="mono">{d.event_id}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{d.attempt_count}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatTime(d.created_at)}</dd>
            </div>
            {(d.state === "due" || d.state === "held") && d.next_attempt_at && (
              <div>
                <dt>{d.state === "held" ? "Held until" : "Next attempt"}</dt>
                <dd>
                  {formatTime(d.next_attempt_at)} ({relativeTime(d.next_attempt_at)})
                </dd>
              </div>
            )}
          </dl>
          {d.attempts.length === 0 ? (
            <p className="muted">
              No attempt yet
              {d.state === "held"
                ? `: the delivery is held until ${d.hold?.until_event ?? "its follow-up event"} arrives.`
                : d.state === "parked"
                  ? ": its webhook is disabled; it is sent once the webhook is enabled."
                  : d.state === "held_by_ordering"
                    ? `: it waits for ${d.ordering?.blocked_by ?? "the delivery ahead of it"}, which has the same ordering key (${d.ordering?.key ?? ""}).`
                    : "."}
            </p>
          ) : (
            <ol className="attempts" reversed>
              {[...d.attempts]
                .sort((a, b) => b.attempt_number - a.attempt_number)
                .map((attempt, index) => (
                  <AttemptView key={attempt.id} attempt={attempt} open={index === 0} />
                ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

function AttemptView({ attempt: a, open }: { attempt: Attempt; open: boolean }) {
  const protocol = protocolOf(a.request);
  // An email attempt records the message (headers from/to/subject, plain text) and the SMTP reply.
  const smtp = protocol === "SMTP";
  return (
    <li className="attempt" data-testid="attempt">
      <details open={open}>
        <summary>
          <span className={`badge ${a.succeeded ? "badge-succeeded" : "badge-failed"}`}>
            Attempt {a.attempt_number}: {a.succeeded ? "succeeded" : "failed"}
          </span>{" "}
          <span>{a.response ? answerText(protocol, a.response.status) : (a.error?.kind ?? "no answer")}</span>{" "}
          <span className="muted">
            · {formatDuration(a.duration_ms)} · {formatTime(a.created_at)}
          </span>
        </summary>
        <div className="attempt-body">
          {a.error && (
            <p className="field-error">
              <strong>{a.error.kind}</strong>
              {a.error.message ? `: ${a.error.message}` : ""}
            </p>
          )}
          <div className="exchange">
            <div>
              <h3>{smtp ? "Message" : "Request"}</h3>
              <p className="mono wrap">
                {a.request.method} {a.request.url}
              </p>
              <HeaderTable label={smtp ? "Message headers" : "Request headers"} headers={a.request.headers} />
              <CodeBlock label={smtp ? "Message body (plain text)" : "Request body"}>
                {a.request.body === null ? null : pretty(a.request.body)}
              </CodeBlock>
            </div>
            <div>
              <h3>{smtp ? "Mail server reply" : "Response"}</h3>
              {a.response ? (
                <>
                  <p>
                    {smtp ? "Reply code" : "Status"}{" "}
                    <strong data-testid="response-status">{a.response.status}</strong> ·{" "}
                    {formatDuration(a.duration_ms)}
                  </p>
                  {!smtp && <HeaderTable label="Response headers" headers={a.response.headers} />}
                  <CodeBlock label={smtp ? "Reply text" : "Response body"}>
                    {a.response.body === null ? null : pretty(a.response.body)}
                  </CodeBlock>
                </>
              ) : (
                <p className="muted">No response{a.error ? ` (${a.error.kind})` : ""}.</p>
              )}
            </div>
          </div>
        </div>
      </details>
    </li>
  );
}
