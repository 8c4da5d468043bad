import { ErrorState, Loading } from "../../../ui/elements";
import { useApi, useResource } from "../../../ui/hooks";
import { formatInZone } from "./format";
import type { SchedulingBooking } from "./types";

/** Bookings made through Switchboard from now on, soonest first, in the company's zone. */
export function UpcomingBookings() {
  const call = useApi();
  const [resource, reload] = useResource("scheduling-bookings", (signal) =>
    call<{ data: SchedulingBooking[] }>(
      "GET",
      `/v1/scheduling/bookings?status=booked&from=${encodeURIComponent(new Date().toISOString())}&limit=20`,
      undefined,
      signal,
    ),
  );
  return (
    <div className="scheduling-part">
      <h3>
        Upcoming bookings{" "}
        <button type="button" className="button button-small button-quiet" onClick={reload}>
          Refresh
        </button>
      </h3>
      {resource.state === "error" && (
        <ErrorState title="Could not load bookings" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading bookings…" />}
      {resource.data && resource.data.data.length === 0 && <p className="muted">No upcoming bookings.</p>}
      {resource.data && resource.data.data.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Upcoming bookings</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Agent</th>
              <th scope="col">Call</th>
            </tr>
          </thead>
          <tbody>
            {resource.data.data.map((b) => (
              <tr key={b.id}>
                <td>
                  <time dateTime={b.start} title={b.start}>
                    {formatInZone(b.start, b.time_zone)}
                  </time>
                  <span className="muted"> {b.time_zone}</span>
                </td>
                <td>
                  {b.attendee.name}
                  <span className="muted"> {b.attendee.phone ?? b.attendee.email}</span>
                </td>
                <td>
                  <code>{b.agent_id}</code>
                </td>
                <td>{b.call_id ? <code>{b.call_id}</code> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
