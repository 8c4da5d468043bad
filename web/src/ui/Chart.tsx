/**
 * The dashboard's one chart: a uPlot canvas (time on x, one line per series) that follows its
 * container's width, with the numbers in a table under "Data" for screen readers and for anyone
 * who wants the figures. Every chart of the dashboard is this component.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  /** One value per x; null for a gap. */
  values: Array<number | null>;
  color: string;
}

export interface ChartProps {
  /** The chart's accessible name; its data table is "<label> data". */
  label: string;
  /** Unix seconds, ascending. */
  x: number[];
  series: ChartSeries[];
  /** How a y value reads (axis, legend and table). */
  format?: (value: number) => string;
  /** How an x value reads in the table. */
  formatX?: (seconds: number) => string;
  /** "nonzero": the table lists only the x where some series is neither null nor 0. */
  tableRows?: "all" | "nonzero";
  height?: number;
  /** Points drawn on the lines (few x, e.g. days). */
  points?: boolean;
}

/** Colours that stay apart for the several series of one chart (colour-blind safe, Okabe–Ito). */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#000000",
];

const defaultFormat = (v: number) => String(Math.round(v * 100) / 100);
const defaultFormatX = (s: number) =>
  new Date(s * 1000).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

export function Chart({
  label,
  x,
  series,
  format = defaultFormat,
  formatX = defaultFormatX,
  tableRows = "all",
  height = 220,
  points = false,
}: ChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 280),
      height,
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, 1)] } },
      axes: [{}, { values: (_u, values) => values.map((v) => format(v)), size: 60 }],
      series: [
        { value: (_u, v) => (v === null ? "—" : formatX(v)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          points: { show: points },
          value: (_u: uPlot, v: number | null) => (v === null ? "—" : format(v)),
        })),
      ],
    };
    const plot = new uPlot(options, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 280), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, format, formatX, height, points]);

  const rows = x
    .map((at, i) => ({ at, values: series.map((s) => s.values[i] ?? null) }))
    .filter((row) => tableRows === "all" || row.values.some((v) => v !== null && v !== 0));
  return (
    <figure className="chart" aria-label={label}>
      <div ref={box} className="chart-canvas" />
      <details className="chart-data">
        <summary className="chart-data-toggle">Data</summary>
        <table className="table" aria-label={`${label} data`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={series.length + 1} className="muted">
                  Nothing in this period.
                </td>
              </tr>
            )}
            {rows.map((row) => (
              <tr key={row.at}>
                <th scope="row">{formatX(row.at)}</th>
                {row.values.map((v, i) => (
                  <td key={series[i]?.label}>{v === null ? "—" : format(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
