/** How client commands print: aligned tables for people, JSON for scripts, errors on stderr. */

export function fail(message: string, code: number): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(code);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(cell).join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Rows as a table with one header line; each column as wide as its widest cell. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((row) => columns.map((c) => cell(row[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? "").length)));
  return cells
    .map((line) =>
      line
        .map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** One record as `field  value` lines, for a single answer such as a created webhook. */
export function details(record: Record<string, unknown>, fields: string[]): string {
  const width = Math.max(...fields.map((f) => f.length));
  return fields.map((f) => `${f.padEnd(width)}  ${cell(record[f])}\n`).join("");
}

const COLOURS = { green: 32, red: 31, yellow: 33, dim: 2 } as const;

/** ANSI colour only when stdout is a terminal (and NO_COLOR is unset): pipes and files stay plain. */
export function colour(name: keyof typeof COLOURS, text: string): string {
  if (!process.stdout.isTTY || process.env.NO_COLOR) return text;
  return `\u001b[${COLOURS[name]}m${text}\u001b[0m`;
}

/** The colour of a delivery status or an HTTP status code. */
export function statusColour(status: string | number | null): keyof typeof COLOURS {
  if (typeof status === "number") return status >= 200 && status < 300 ? "green" : "red";
  if (status === "succeeded") return "green";
  if (status === "failed" || status === "cancelled") return "red";
  if (status === "pending") return "yellow";
  return "dim";
}
