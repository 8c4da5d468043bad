/** The webhook page's charts: attempts per minute by outcome and latency p50 / p95, last 24 hours. */
import { useMemo } from "react";
import { Chart, type ChartSeries } from "../../ui/Chart";
import { ErrorState, Loading } from "../../ui/elements";
import { useApi, useResource } from "../../ui/hooks";
import { seconds, type WebhookActivity } from "./types";

const count = (v: number) => String(Math.round(v));
const ms = (v: number) => `${Math.round(v)} ms`;

export function WebhookActivityCharts({ webhookId, version }: { webhookId: string; version: number }) {
  const call = useApi();
  const [activity, reload] = useResource(`activity:${webhookId}:${version}`, (signal) =>
    call<WebhookActivity>("GET", `/v1/webhooks/${webhookId}/activity`, undefined, signal),
  );
  const series = useMemo(() => {
    const points = activity.data?.points ?? [];
    const outcomes: ChartSeries[] = [
      { label: "Succeeded", color: "#1e7a46", values: points.map((p) => p.succeeded) },
      { label: "Failed", color: "#b42318", values: points.map((p) => p.failed) },
      { label: "No answer", color: "#e69f00", values: points.map((p) => p.errored) },
    ];
    const latency: ChartSeries[] = [
      { label: "p50", color: "#0072b2", values: points.map((p) => p.p50_ms) },
      { label: "p95", color: "#cc79a7", values: points.map((p) => p.p95_ms) },
    ];
    return { x: points.map((p) => seconds(p.at)), outcomes, latency };
  }, [activity.data]);

  return (
    <section className="card" aria-labelledby="activity-title">
      <div className="section-head">
        <h2 id="activity-title">Last 24 hours</h2>
        <button type="button" className="button button-small" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Attempts per minute by outcome (retries included), and the latency of the attempts the endpoint
        answered.
      </p>
      {activity.state === "error" && (
        <ErrorState title="Could not load the delivery charts" error={activity.error} onRetry={reload} />
      )}
      {!activity.data && activity.state === "loading" && <Loading label="Loading the delivery charts…" />}
      {activity.data && (
        <div className="chart-grid">
          <Chart
            label="Deliveries per minute"
            x={series.x}
            series={series.outcomes}
            format={count}
            tableRows="nonzero"
          />
          <Chart label="Latency" x={series.x} series={series.latency} format={ms} tableRows="nonzero" />
        </div>
      )}
    </section>
  );
}
