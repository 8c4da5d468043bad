/** Client rows for the records benchmarks: unique phones and emails, a few columns like a firm's export. */
import type { SwitchboardServer } from "./server.js";

/** A valid US number per row: area codes 312, 773, 872, 708 … × 555-0000…9999 would stop at 40,000, so vary the exchange too. */
export function benchPhone(i: number): string {
  const area = [312, 773, 872, 708, 630, 847, 224, 331, 779, 815][Math.floor(i / 100_000) % 10] as number;
  const exchange = 200 + (Math.floor(i / 10_000) % 10);
  return `+1${area}${exchange}${String(i % 10_000).padStart(4, "0")}`;
}

export function clientsCsv(count: number): string {
  const lines = ["first_name,last_name,phone,email,city,state,custom_fields.referral"];
  for (let i = 0; i < count; i++) {
    lines.push(`Client${i},Bench,${benchPhone(i)},client${i}@example.com,Chicago,IL,radio`);
  }
  return `${lines.join("\n")}\n`;
}

export interface ImportView {
  id: string;
  status: string;
  total: number;
  done: number;
  created: number;
  failed: number;
}

/** Starts an import of `csv` and waits for it to finish; answers the finished import. */
export async function importClients(
  server: SwitchboardServer,
  key: string,
  csv: string,
  options: { emitEvents: boolean; pollMs: number; timeoutMs: number },
): Promise<ImportView> {
  const started = await server.expect<ImportView>(202, "POST", "/v1/imports", {
    key,
    body: { object: "clients", format: "csv", data: csv, emit_events: options.emitEvents },
  });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const current = await server.expect<ImportView>(200, "GET", `/v1/imports/${started.id}`, { key });
    if (current.status === "completed" || current.status === "failed") return current;
    if (Date.now() > deadline)
      throw new Error(`import ${started.id} not finished in time: ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
