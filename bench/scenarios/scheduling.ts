/**
 * Scenario — scheduling: `GET /v1/scheduling/availability` the way an AI agent asks while a caller
 * waits, against a local Cal.com fake that answers every request in 50 ms (a distant Cal.com).
 * Requests are paced at R/s (default 50/s) for D seconds, open loop, over three windows an agent
 * asks for (the default week from now, tomorrow, the next three days); a booking every 2 s
 * invalidates the tenant's cache, so the figure includes the misses that follow each booking.
 * Target: availability p99 ≤ 150 ms (issue 16).
 */
import { DateTime } from "luxon";
import { type CalcomFake, startCalcomFake } from "../../fakes/calcom.js";
import { nowMs, sleep } from "../lib/clock.js";
import { percentile, round, type Scenario } from "../lib/context.js";
import { figure } from "../lib/report.js";
import { withRig } from "../lib/rig.js";

const FAKE_LATENCY_MS = 50;
const ZONE = "America/Chicago";

export const scheduling: Scenario = async (ctx) => {
  const rate = ctx.smoke ? 20 : 50;
  const seconds = ctx.sizes.durationS;
  const bookEveryMs = ctx.smoke ? 500 : 2_000;
  const fake: CalcomFake = await startCalcomFake({
    latencyMs: FAKE_LATENCY_MS,
    schedule: {
      timeZone: ZONE,
      hours: Object.fromEntries(
        (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const).map((d) => [d, [["08:00", "18:00"]]]),
      ),
    },
  });
  try {
    return await withRig(ctx, { specs: [], role: "api", profileName: "scheduling" }, async (rig) => {
      const key = rig.key;
      await rig.server.expect(200, "PUT", "/v1/scheduling/connection", {
        key,
        body: { provider: "calcom", api_key: fake.apiKey, base_url: fake.url },
      });
      await rig.server.expect(200, "PUT", "/v1/scheduling/agents/agt_bench", {
        key,
        body: { booking_enabled: true, event_type_id: 1001 },
      });
      const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate();
      const inFour = DateTime.now().setZone(ZONE).plus({ days: 4 }).toISODate();
      const windows = ["", `&start=${tomorrow}&end=${inFour}`, `&start=${tomorrow}`];
      const ask = (i: number) =>
        rig.server.expect<{ data: Array<{ start: string }> }>(
          200,
          "GET",
          `/v1/scheduling/availability?agent_id=agt_bench${windows[i % windows.length]}`,
          { key },
        );

      // Warm-up (not counted): the JIT, the connection cache, undici's pool to the fake.
      for (let i = 0; i < 30; i++) await ask(i);

      const slotCallsBefore = fake.requests.filter((r) => r.path === "/v2/slots").length;
      ctx.log(`measuring: ${seconds} s of availability at ${rate}/s, a booking every ${bookEveryMs} ms`);
      const latencies: number[] = [];
      const pending = new Set<Promise<void>>();
      const total = Math.max(1, Math.round(rate * seconds));
      const intervalMs = 1000 / rate;
      const startedAt = nowMs();
      let nextBookingAt = startedAt + bookEveryMs;
      let bookings = 0;
      let bookingSlot = 40;
      for (let i = 0; i < total; i++) {
        const wait = startedAt + i * intervalMs - nowMs();
        if (wait > 0) await sleep(wait);
        if (nowMs() >= nextBookingAt) {
          nextBookingAt += bookEveryMs;
          const slots = (await ask(0)).data;
          const slot = slots[bookingSlot++ % slots.length];
          if (slot) {
            const booked = rig.server
              .expect(201, "POST", "/v1/scheduling/bookings", {
                key,
                body: {
                  agent_id: "agt_bench",
                  start: slot.start,
                  attendee: { name: `Bench Caller ${bookings}`, phone: "+13125550100" },
                  call_id: `call_bench_${bookings}`,
                },
              })
              .then(() => undefined)
              .finally(() => pending.delete(booked));
            pending.add(booked);
            bookings++;
          }
        }
        const sentAt = nowMs();
        const p = ask(i)
          .then(() => {
            latencies.push(nowMs() - sentAt);
          })
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      await Promise.all(pending);
      const elapsedMs = nowMs() - startedAt;
      const misses = fake.requests.filter((r) => r.path === "/v2/slots").length - slotCallsBefore;
      return {
        config: {
          rate,
          duration_s: seconds,
          fake_latency_ms: FAKE_LATENCY_MS,
          windows: windows.length,
          booking_every_ms: bookEveryMs,
          load: "one request every 1000/rate ms, not awaited one by one (open loop)",
        },
        figures: [
          figure("availability achieved/s", (latencies.length * 1000) / elapsedMs, "/s"),
          figure("availability p50", round(percentile(latencies, 0.5), 3), "ms"),
          figure("availability p99", round(percentile(latencies, 0.99), 3), "ms", { op: "<=", value: 150 }),
          figure("availability max", round(Math.max(...latencies), 3), "ms"),
          figure("Cal.com slot requests (misses + refreshes)", misses, ""),
          figure("bookings during the run", bookings, ""),
        ],
        details: { requests: latencies.length, misses, bookings },
      };
    });
  } finally {
    await fake.close();
  }
};
