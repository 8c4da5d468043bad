/**
 * A slot or booking time as the firm reads it: in the company's zone (the answer's `time_zone`),
 * not the browser's — the receptionist in Chicago and the attorney travelling see the same time.
 */
export function formatInZone(iso: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, {
      timeZone: zone,
      weekday: "short",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}
