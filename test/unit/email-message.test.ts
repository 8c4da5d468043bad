import { describe, expect, it } from "vitest";
import { checkDestinationHost } from "../../src/domain/destination.js";
import {
  emailText,
  fieldLines,
  isEmailAddress,
  labelOf,
  smtpReplyCode,
  subjectLine,
} from "../../src/domain/email-message.js";

describe("email message", () => {
  it("labels keys in words", () => {
    expect(labelOf("from_number")).toBe("From Number");
    expect(labelOf("caseType")).toBe("Case Type");
    expect(labelOf("x")).toBe("X");
    expect(labelOf("address_line_2")).toBe("Address Line 2");
  });

  it("one line per field: nested objects prefixed, plain lists joined, object lists numbered", () => {
    expect(
      fieldLines({
        caller: { first_name: "Ana", last_name: "Ruiz" },
        tags: ["hot", "spanish"],
        phones: [{ number: "+13125550143", type: "mobile" }],
        empty: {},
        none: [],
        missing: null,
        score: 7.5,
      }),
    ).toEqual([
      ["Caller First Name", "Ana"],
      ["Caller Last Name", "Ruiz"],
      ["Tags", "hot, spanish"],
      ["Phones 1 Number", "+13125550143"],
      ["Phones 1 Type", "mobile"],
      ["Missing", ""],
      ["Score", "7.5"],
    ]);
  });

  it("keeps every value on its own line, whatever it contains", () => {
    const text = emailText({
      id: "evt_1",
      event: "call.ended",
      timestamp: "2026-12-01T10:00:00.000Z",
      data: { summary: "Rear-ended on I-90.\r\nWants a call back\n\ntomorrow." },
    });
    expect(text).toBe(
      "Event: call.ended\nEvent ID: evt_1\nTimestamp: 2026-12-01T10:00:00.000Z\n" +
        "Summary: Rear-ended on I-90. Wants a call back tomorrow.\n",
    );
  });

  it("a subject is one line of at most 998 characters", () => {
    expect(subjectLine("New lead\r\nBcc: x@evil.example")).toBe("New lead Bcc: x@evil.example");
    expect(subjectLine("x".repeat(2000))).toHaveLength(998);
  });

  it("accepts plain mailboxes only", () => {
    expect(isEmailAddress("intake@hale-ortiz.law")).toBe(true);
    expect(isEmailAddress("first.last+tag@sub.example.com")).toBe(true);
    for (const bad of [
      "",
      "no-at.example",
      "a@b",
      "a b@c.d",
      "a@b.c\r\nBcc: e@f.g",
      "Name <a@b.c>",
      "a@b.c,d@e.f",
    ]) {
      expect(isEmailAddress(bad), bad).toBe(false);
    }
  });

  it("reads the code of an SMTP reply", () => {
    expect(smtpReplyCode("250 2.0.0 OK queued")).toBe(250);
    expect(smtpReplyCode("451-4.7.1 try later")).toBe(451);
    expect(smtpReplyCode("OK")).toBeNull();
    expect(smtpReplyCode(undefined)).toBeNull();
    expect(smtpReplyCode("199 nope")).toBeNull();
  });
});

describe("checkDestinationHost", () => {
  const strict = { allowPrivate: false };
  it("refuses loopback, private, link-local and internal hosts", () => {
    for (const host of [
      "127.0.0.1",
      "10.0.0.5",
      "192.168.1.1",
      "169.254.169.254",
      "[::1]",
      "::1",
      "localhost",
      "mail.internal",
      "relay",
      "smtp.corp",
    ]) {
      expect(checkDestinationHost(host, strict), host).not.toBeNull();
    }
  });
  it("accepts public names and addresses", () => {
    for (const host of ["smtp.sendgrid.net", "8.8.8.8", "2001:4860:4860::8888"]) {
      expect(checkDestinationHost(host, strict), host).toBeNull();
    }
  });
  it("refuses what is not a host at all, even when private targets are allowed", () => {
    for (const host of ["smtp://x.example.com", "a b.com", "x.com/path"]) {
      expect(checkDestinationHost(host, { allowPrivate: true }), host).not.toBeNull();
    }
    expect(checkDestinationHost("127.0.0.1", { allowPrivate: true })).toBeNull();
  });
});
