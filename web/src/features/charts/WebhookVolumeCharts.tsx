/** The home page's charts: each webhook's attempts and failure rate per hour, last 24 hours. */
import { useMemo } from "react";
import { Chart, type ChartSeries, PALETTE } from "../../ui/Chart";
import { ErrorState, Loading } from "../../ui/elements";
import { useApi, useResource, useSession } from "../../ui/hooks";
import { seconds, type WebhookVolumes } from "./types";

/** More lines than this make a chart unreadable: the busiest ones are drawn, the table keeps all. */
const MAX_LINES = 8;

const count = (v: number) => String(Math.round(v));
const percent = (v: number) => `${Math.round(v * 10) / 10}%`;

export function WebhookVolumeCharts() {
  const call = useApi();
  const { session } = useSession();
  const [volumes, reload] = useResource(`volumes:${session.tenantId}`, (signal) =>
    call<WebhookVolumes>("GET", "/v1/webhooks/volumes", undefined, signal),
  );
  const series = useMemo(() => {
    const webhooks = (volumes.data?.data ?? []).slice(0, MAX_LINES);
    const x = (webhooks[0]?.points ?? []).map((p) => seconds(p.at));
    const name = (w: (typeof webhooks)[number]) => w.description || w.url;
    const volume: ChartSeries[] = webhooks.map((w, i) => ({
      label: name(w),
      color: PALETTE[i % PALETTE.length] ?? "#000",
      values: w.points.map((p) => p.attempts),
    }));
    const failure: ChartSeries[] = webhooks.map((w, i) => ({
      label: name(w),
      color: PALETTE[i % PALETTE.length] ?? "#000",
      values: w.points.map((p) => (p.attempts === 0 ? null : (p.failed / p.attempts) * 100)),
    }));
    return { x, volume, failure };
  }, [volumes.data]);

  if (volumes.state === "error")
    return <ErrorState title="Could not load the volume charts" error={volumes.error} onRetry={reload} />;
  if (!volumes.data) return <Loading label="Loading the volume charts…" />;
  if (volumes.data.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="volumes-title">
      <h2 id="volumes-title">Volume and failures, last 24 hours</h2>
      <p className="muted">
        Attempts per hour by webhook (retries included), and the share of them that failed.
      </p>
      <div className="chart-grid">
        <Chart
          label="Attempts per hour by webhook"
          x={series.x}
          series={series.volume}
          format={count}
          tableRows="nonzero"
        />
        <Chart
          label="Failure rate by webhook"
          x={series.x}
          series={series.failure}
          format={percent}
          tableRows="nonzero"
        />
      </div>
    </section>
  );
}
