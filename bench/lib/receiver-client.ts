/** Starts bench/receiver.ts as its own process and talks to its control endpoints. */
import { fileURLToPath } from "node:url";
import { request } from "undici";
import type { LatencySummary } from "./histogram.js";
import { Child } from "./proc.js";

export interface ReceiverStats {
  total: number;
  duplicates: number;
  rejected_down: number;
  hanging: number;
  missing_id: number;
  verified: number;
  verify_failed: number;
  verify_no_secret: number;
  first_at_ms: number;
  last_at_ms: number;
  down: boolean;
  /** Distinct webhook-ids summed over paths. */
  distinct: number;
  per_path: Record<string, { distinct: number; requests: number }>;
  latency: LatencySummary;
}

const RECEIVER = fileURLToPath(new URL("../receiver.ts", import.meta.url));

export class Receiver {
  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    const child = new Child({ name: "receiver", args: ["--import", "tsx", RECEIVER] });
    const line = await child.waitForLine((l) => l.startsWith('{"port"'), 30_000);
    const { port } = JSON.parse(line) as { port: number };
    return new Receiver(child, `http://127.0.0.1:${port}`);
  }

  get pid(): number {
    return this.child.pid;
  }

  private async get<T>(path: string, body?: unknown): Promise<T> {
    const response = await request(`${this.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    if (response.statusCode !== 200) throw new Error(`receiver ${path}: HTTP ${response.statusCode}`);
    return (await response.body.json()) as T;
  }

  stats(): Promise<ReceiverStats> {
    return this.get<ReceiverStats>("/stats");
  }

  async setSecrets(secrets: Record<string, string>): Promise<void> {
    await this.get("/control/secrets", secrets);
  }

  async down(): Promise<void> {
    await this.get("/control/down");
  }

  async up(): Promise<void> {
    await this.get("/control/up");
  }

  async reset(): Promise<void> {
    await this.get("/control/reset");
  }

  async stop(): Promise<void> {
    await this.child.stop(5_000);
  }
}
