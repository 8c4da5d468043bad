import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  KAISA_DEFAULT_BODY,
  KAISA_MACROS,
  kaisaEventType,
  kaisaTime,
  kaisaValues,
  northAmericanArea,
} from "../../src/domain/kaisa.js";
import { kaisaSignature, kaisaSignedBody } from "../../src/domain/kaisa-sign.js";
import { compileTemplate, renderFields, renderText, scopeWithMacros } from "../../src/domain/template.js";

const call = {
  id: "evt_1",
  event: "call.ended",
  timestamp: "2025-06-10T14:09:05.123Z",
  data: {
    call_id: "call_7Hq2mX9kT4",
    from_number: "+13125550187",
    to_number: "+18885550123",
    started_at: "2025-06-10T14:02:11.500Z",
    duration: 412.4,
    answered: true,
    client_id: "cli_5Jc3Xp8D",
    summary: "Rear-ended on I-90.",
  },
};

describe("Kaisa macros", () => {
  it("gives Kaisa's event kinds: 0 post-call, 1 SMS, 2 pre-call, none for the rest", () => {
    expect(kaisaEventType("call.ended")).toBe(0);
    expect(kaisaEventType("call.analyzed")).toBe(0);
    expect(kaisaEventType("call.failed")).toBe(0);
    expect(kaisaEventType("message.received")).toBe(1);
    expect(kaisaEventType("message.sent")).toBe(1);
    expect(kaisaEventType("call.pre_connect")).toBe(2);
    expect(kaisaEventType("call.started")).toBe(2);
    expect(kaisaEventType("lead.created")).toBeNull();
  });

  it("formats times in UTC as YYYY-MM-DD HH:MM:SS", () => {
    expect(kaisaTime("2025-06-10T14:02:11.500Z")).toBe("2025-06-10 14:02:11");
    expect(kaisaTime("2025-06-10T16:02:11+02:00")).toBe("2025-06-10 14:02:11");
    expect(kaisaTime("not a time")).toBeNull();
    expect(kaisaTime(undefined)).toBeNull();
  });

  it("takes the area code of North American numbers only", () => {
    expect(northAmericanArea("+13125550187")).toBe("312");
    expect(northAmericanArea("+1 (312) 555-0187")).toBe("312");
    expect(northAmericanArea("+46701234567")).toBeNull();
    expect(northAmericanArea("+11125550187")).toBeNull();
    expect(northAmericanArea(42)).toBeNull();
  });

  it("computes every macro of a post-call event", () => {
    const values = kaisaValues(call);
    expect(values).toEqual({
      event_type: 0,
      id: "call_7Hq2mX9kT4",
      fsid: null,
      custnr: "cli_5Jc3Xp8D",
      from_nr: "+13125550187",
      from_nr_area: "312",
      to_nr: "+18885550123",
      end_nr: "+18885550123",
      start: "2025-06-10 14:02:11",
      duration: 412,
      answered: 1,
      channel: null,
      publisher_id: null,
      referrer: null,
      url: null,
      details: "Rear-ended on I-90.",
      recording_id: null,
    });
    expect(Object.keys(values).sort()).toEqual(KAISA_MACROS.map((m) => m.macro).sort());
  });

  it("prefers the platform's own Kaisa fields, and falls back where the data lacks them", () => {
    const values = kaisaValues({
      id: "evt_2",
      event: "call.ended",
      timestamp: "2025-06-10T14:09:05Z",
      data: {
        fsid: "fs_99",
        custnr: "C-1001",
        from_nr_area: "Stockholm",
        from_number: "+46701234567",
        end_nr: "+46812345678",
        target_number: "+15550000000",
        duration: 0,
        channel: "google_ads",
        publisher_id: "pub_7",
        referrer: "https://www.google.com/",
        url: "https://hartwell-law.example/auto",
        details: { keyword: "car accident lawyer" },
      },
    });
    expect(values).toMatchObject({
      id: "evt_2",
      fsid: "fs_99",
      custnr: "C-1001",
      from_nr_area: "Stockholm",
      end_nr: "+46812345678",
      start: "2025-06-10 14:09:05",
      answered: 0,
      duration: 0,
      channel: "google_ads",
      publisher_id: "pub_7",
      referrer: "https://www.google.com/",
      url: "https://hartwell-law.example/auto",
      details: '{"keyword":"car accident lawyer"}',
    });
  });

  it("gives an SMS its message id and sent time, and leaves unknown answers empty", () => {
    const values = kaisaValues({
      id: "evt_3",
      event: "message.received",
      timestamp: "2025-06-10T15:00:00Z",
      data: { message_id: "msg_5Kp9", channel: "sms", received_at: "2025-06-10T14:59:58Z" },
    });
    expect(values).toMatchObject({
      event_type: 1,
      id: "msg_5Kp9",
      channel: "sms",
      start: "2025-06-10 14:59:58",
    });
    expect(values.answered).toBeNull();
    expect(values.duration).toBeNull();
  });

  it("renders Kaisa's default form body with Kaisa's formats", () => {
    expect(KAISA_DEFAULT_BODY.startsWith("event_type={event_type}&id={id}&fsid={fsid}&custnr={custnr}")).toBe(
      true,
    );
    const compiled = compileTemplate(KAISA_DEFAULT_BODY, "form", "kaisa");
    if (!compiled.ok || compiled.template.kind !== "text") throw new Error("does not compile");
    const text = renderText(compiled.template, scopeWithMacros(call, "kaisa"));
    const fields = Object.fromEntries(new URLSearchParams(text));
    expect(fields).toMatchObject({
      event_type: "0",
      id: "call_7Hq2mX9kT4",
      from_nr: "+13125550187",
      start: "2025-06-10 14:02:11",
      answered: "1",
      duration: "412",
      fsid: "",
    });
  });

  it("keeps Switchboard's meanings in standard mode and for names Kaisa does not have", () => {
    const standard = compileTemplate({ t: "{event_type}", a: "{answered}", e: "{end}" }, "plain", "standard");
    const kaisa = compileTemplate({ t: "{event_type}", a: "{answered}", e: "{end}" }, "plain", "kaisa");
    if (!standard.ok || standard.template.kind !== "fields") throw new Error("does not compile");
    if (!kaisa.ok || kaisa.template.kind !== "fields") throw new Error("does not compile");
    const scope = { ...call, data: { ...call.data, ended_at: "2025-06-10T14:09:03Z" } };
    expect(renderFields(standard.template, scope)).toEqual({
      t: "call.ended",
      a: true,
      e: "2025-06-10T14:09:03Z",
    });
    expect(renderFields(kaisa.template, scopeWithMacros(scope, "kaisa"))).toEqual({
      t: 0,
      a: 1,
      e: "2025-06-10T14:09:03Z",
    });
  });
});

describe("Kaisa's sign option", () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
  const key = Buffer.alloc(32, 7);

  it("signs the data text with HMAC-SHA256 keyed by the secret's decoded bytes, in hex", () => {
    const payload = "event_type=0&id=call_1";
    expect(kaisaSignature(secret, payload)).toBe(createHmac("sha256", key).update(payload).digest("hex"));
  });

  it("puts the payload in data and the signature in sign, for form and JSON bodies", () => {
    const payload = "event_type=0&id=call_1&details=a+b";
    const form = new URLSearchParams(kaisaSignedBody(payload, secret, "form"));
    expect(form.get("data")).toBe(payload);
    expect(form.get("sign")).toBe(createHmac("sha256", key).update(payload).digest("hex"));
    const json = JSON.parse(kaisaSignedBody('{"id":"call_1"}', secret, "json")) as {
      data: string;
      sign: string;
    };
    expect(json.data).toBe('{"id":"call_1"}');
    expect(json.sign).toBe(createHmac("sha256", key).update('{"id":"call_1"}').digest("hex"));
  });
});
