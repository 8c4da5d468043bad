/** "Send a test": sends a catalog example to a target (webhook or destination) now and shows the outcome. */
import { type FormEvent, useState } from "react";
import { errorMessage, type TestResult } from "../../../api";
import { Link } from "../../../router";
import { formatDuration, truncate } from "../../../ui/format";
import { useApi } from "../../../ui/hooks";
import { useCatalog } from "../../catalog/catalog";
import { answerText, protocolOf } from "../../deliveries/answer";
import { targetApi, targetPath } from "../paths";

export function TestPanel({
  targetId,
  description,
  onSent,
}: {
  targetId: string;
  /** What a test does for this kind of target. */
  description: string;
  onSent: () => void;
}) {
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
      const result = await call<TestResult>("POST", `${targetApi(targetId)}/test`, { event_type: type });
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
      <p className="muted">{description}</p>
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
        {state.kind === "done" && <TestOutcome targetId={targetId} result={state.result} />}
      </div>
    </section>
  );
}

function TestOutcome({ targetId, result }: { targetId: string; result: TestResult }) {
  const a = result.attempt;
  return (
    <div className={`result ${result.succeeded ? "result-ok" : "result-fail"}`}>
      <strong>{result.succeeded ? "Delivered" : "Failed"}</strong>
      {a.response ? ` — ${answerText(protocolOf(a.request), a.response.status)}` : ""}
      {` in ${formatDuration(a.duration_ms)}`}
      {a.error && (
        <p>
          {a.error.kind}: {a.error.message}
        </p>
      )}
      {a.response?.body ? <pre className="result-body">{truncate(a.response.body, 400)}</pre> : null}
      <p>
        <Link href={`${targetPath(targetId)}?delivery=${result.delivery_id}`}>Inspect this delivery</Link>
      </p>
    </div>
  );
}
