/** The Enrichment page's chart: recorded spend per day by provider, the firm's last 30 days. */
import { useMemo } from "react";
import { Chart, type ChartSeries, PALETTE } from "../../ui/Chart";
import { ErrorState, Loading } from "../../ui/elements";
import { useApi, useResource } from "../../ui/hooks";
import type { EnrichmentSpend } from "./types";

const usd = (v: number) => `$${v.toFixed(2)}`;

/** A day's date at noon UTC: the chart's x for it, whatever the viewer's zone. */
const dayX = (date: string) => Date.parse(`${date}T12:00:00Z`) / 1000;
const dayLabel = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

export function SpendChart() {
  const call = useApi();
  const [spend, reload] = useResource("enrichment-spend", (signal) =>
    call<EnrichmentSpend>("GET", "/v1/enrichment/spend?days=30", undefined, signal),
  );
  const series = useMemo(() => {
    const data = spend.data;
    if (!data) return { x: [], providers: [] };
    const providers: ChartSeries[] = data.providers.map((name, i) => ({
      label: name,
      color: PALETTE[i % PALETTE.length] ?? "#000",
      values: data.days.map((d) => d.by_provider[name] ?? 0),
    }));
    return { x: data.days.map((d) => dayX(d.date)), providers };
  }, [spend.data]);

  if (spend.state === "error")
    return <ErrorState title="Could not load the spend chart" error={spend.error} onRetry={reload} />;
  if (!spend.data) return <Loading label="Loading the spend chart…" />;
  if (spend.data.providers.length === 0)
    return <p className="muted">No lookups cost anything in the last 30 days.</p>;
  return (
    <Chart
      label="Spend per day by provider"
      x={series.x}
      series={series.providers}
      format={usd}
      formatX={dayLabel}
      tableRows="nonzero"
      points
    />
  );
}
