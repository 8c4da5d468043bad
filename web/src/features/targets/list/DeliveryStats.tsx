/** A target's last 24 hours in a list row: success rate, volume and the last delivery. */
import type { ReactNode } from "react";
import type { Delivery, Page } from "../../../api";
import { formatTime, relativeTime } from "../../../ui/format";
import { type Call, useApi, useResource } from "../../../ui/hooks";
import { targetApi } from "../paths";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Statistics read at most this many pages of deliveries per target. */
const STATS_PAGES = 3;
const STATS_PAGE_SIZE = 100;

interface Stats {
  count: number;
  /** More deliveries in the last 24 h than were read. */
  truncated: boolean;
  succeeded: number;
  finished: number;
  lastAt: string | null;
}

async function loadStats(call: Call, id: string, signal: AbortSignal): Promise<Stats> {
  const since = Date.now() - DAY_MS;
  const deliveries: Delivery[] = [];
  let cursor: string | null = null;
  let more = false;
  for (let page = 0; page < STATS_PAGES; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const answer: Page<Delivery> = await call<Page<Delivery>>(
      "GET",
      `${targetApi(id)}/deliveries?limit=${STATS_PAGE_SIZE}${query}`,
      undefined,
      signal,
    );
    deliveries.push(...answer.data);
    cursor = answer.next_cursor;
    const oldest = answer.data.at(-1);
    more = cursor !== null && oldest !== undefined && Date.parse(oldest.created_at) >= since;
    if (!more) break;
  }
  const recent = deliveries.filter((d) => Date.parse(d.created_at) >= since);
  const finished = recent.filter((d) => d.status === "succeeded" || d.status === "failed");
  let lastAt: string | null = null;
  for (const d of deliveries) {
    const at = d.last_attempt_at;
    if (at && (lastAt === null || Date.parse(at) > Date.parse(lastAt))) lastAt = at;
  }
  return {
    count: recent.length,
    truncated: more,
    succeeded: finished.filter((d) => d.status === "succeeded").length,
    finished: finished.length,
    lastAt,
  };
}

/** The three statistics cells of a target's row (loaded again when the target changes). */
export function DeliveryStatCells({ targetId, updatedAt }: { targetId: string; updatedAt: string }) {
  const call = useApi();
  const [stats, reload] = useResource(`stats:${targetId}:${updatedAt}`, (signal) =>
    loadStats(call, targetId, signal),
  );
  const s = stats.data;
  const statCell = (render: (value: Stats) => ReactNode) => {
    if (stats.state === "error")
      return (
        <button type="button" className="link-button" onClick={reload} title="Could not load deliveries">
          Failed to load · retry
        </button>
      );
    if (!s) return <span className="muted">Loading…</span>;
    return render(s);
  };
  return (
    <>
      <td data-label="Success (24 h)">
        {statCell((v) =>
          v.finished === 0 ? (
            <span className="muted">—</span>
          ) : (
            <span title={`${v.succeeded} of ${v.finished} finished deliveries succeeded`}>
              {Math.round((v.succeeded / v.finished) * 1000) / 10}%
            </span>
          ),
        )}
      </td>
      <td data-label="Deliveries (24 h)">{statCell((v) => `${v.truncated ? "≥ " : ""}${v.count}`)}</td>
      <td data-label="Last delivery">
        {statCell((v) =>
          v.lastAt ? (
            <time dateTime={v.lastAt} title={formatTime(v.lastAt)}>
              {relativeTime(v.lastAt)}
            </time>
          ) : (
            <span className="muted">Never</span>
          ),
        )}
      </td>
    </>
  );
}
