import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { envelopeJson, envelopeOf, withFollowUp } from "../../src/delivery/body.js";
import type { EventRecord } from "../../src/store/index.js";
import { eventFromRow, eventToRow } from "../../src/store/rows.js";

const event = (data: Record<string, unknown> | null): EventRecord => ({
  id: "evt_01M84D30V0ZTKH842QTB78YN6F",
  tenant_id: "ten_1",
  type: "call.ended",
  data,
  campaign_id: null,
  case_type: null,
  idempotency_key: null,
  occurred_at: 1_795_444_278_108,
  created_at: 1_795_444_278_109,
});

/** What the wire format defines: the envelope serialised by JSON.stringify. */
const expected = (e: EventRecord) => JSON.stringify(envelopeOf(e));

describe("envelopeJson of a stored event", () => {
  it("is byte for byte the envelope JSON.stringify gives, for any JSON data", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const original = event(data);
        const stored = eventFromRow(eventToRow(original));
        expect(envelopeJson(stored)).toBe(expected(original));
      }),
    );
  });

  it("handles escapes, non-ASCII text, numbers and purged (null) data", () => {
    for (const data of [
      { summary: 'She said "hi"\n\tthen \u2028 left — ñ, 日本, 😀', n: 1e21, f: 0.1, neg: -0, big: 2 ** 53 },
      {},
      null,
    ]) {
      const original = event(data);
      expect(envelopeJson(eventFromRow(eventToRow(original)))).toBe(expected(original));
    }
  });

  it("parses data only when asked, and a merged copy is serialised from its own data", () => {
    const stored = eventFromRow(eventToRow(event({ call_id: "c1", duration: 4 })));
    expect(stored.data).toEqual({ call_id: "c1", duration: 4 });
    const merged = withFollowUp(stored, event({ call_id: "c1", recording_url: "https://r" }));
    expect(JSON.parse(envelopeJson(merged)).data).toEqual({
      call_id: "c1",
      duration: 4,
      recording_url: "https://r",
    });
    expect(envelopeJson(merged)).toBe(expected(merged));
  });
});
