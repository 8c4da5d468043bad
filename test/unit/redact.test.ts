import { describe, expect, it } from "vitest";
import { maskSecret, redactHeaders } from "../../src/domain/redact.js";

const LONG_TOKEN = "sk_live_4f9a8b7c6d5e4f3a2b1c";

/** True when no 5-character substring of `secret` appears in `text`. */
function revealsAtMost4(text: string, secret: string): boolean {
  for (let i = 0; i + 5 <= secret.length; i++) if (text.includes(secret.slice(i, i + 5))) return false;
  return true;
}

describe("redactHeaders", () => {
  it("keeps the auth scheme and at most 4 characters of the credential", () => {
    const out = redactHeaders({ Authorization: `Bearer ${LONG_TOKEN}` });
    expect(out).toEqual({ Authorization: "Bearer sk_l…(redacted)" });
  });

  it("reveals nothing of a credential shorter than 12 characters", () => {
    expect(redactHeaders({ authorization: "Bearer short123" }).authorization).toBe("Bearer (redacted)");
    expect(redactHeaders({ "x-api-key": "abc" })["x-api-key"]).toBe("(redacted)");
    expect(redactHeaders({ "x-api-key": "12345678901" })["x-api-key"]).toBe("(redacted)");
    expect(redactHeaders({ "x-api-key": "123456789012" })["x-api-key"]).toBe("1234…(redacted)");
  });

  it("redacts Basic credentials and unknown schemes without revealing them", () => {
    const basic = Buffer.from("alice:correct-horse-battery").toString("base64");
    const out = redactHeaders({ authorization: `Basic ${basic}` }).authorization!;
    expect(out).toBe(`Basic ${basic.slice(0, 4)}…(redacted)`);
    // The first word is not a known scheme: it could be part of the secret.
    const weird = redactHeaders({ authorization: "hunter2hunter2 more-secret-stuff" }).authorization!;
    expect(weird).toBe("hunt…(redacted)");
    expect(revealsAtMost4(weird, "hunter2hunter2 more-secret-stuff")).toBe(true);
  });

  it("treats a bare credential without a scheme as the secret", () => {
    expect(redactHeaders({ Authorization: LONG_TOKEN }).Authorization).toBe("sk_l…(redacted)");
  });

  it("redacts every default secret header, case-insensitively", () => {
    const headers = {
      AUTHORIZATION: `Bearer ${LONG_TOKEN}`,
      "Proxy-Authorization": `Basic ${LONG_TOKEN}`,
      "X-Public-Api-Key": LONG_TOKEN,
      "x-API-key": LONG_TOKEN,
      Cookie: `session=${LONG_TOKEN}`,
      "Set-Cookie": `sid=${LONG_TOKEN}; Path=/`,
      "Webhook-Signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    };
    const out = redactHeaders(headers);
    expect(Object.keys(out)).toEqual(Object.keys(headers));
    for (const value of Object.values(out)) {
      expect(value).toMatch(/…|\(redacted\)/);
      expect(revealsAtMost4(value, LONG_TOKEN)).toBe(true);
    }
  });

  it("keeps the signature version and hides the signature", () => {
    const out = redactHeaders({
      "webhook-signature":
        "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,AAAAZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9N=",
    });
    expect(out["webhook-signature"]).toBe("v1,… v1,…");
    expect(redactHeaders({ "X-Hub-Signature-256": "sha256=abcdef0123456789" })["X-Hub-Signature-256"]).toBe(
      "sha256=…",
    );
  });

  it("does not mistake base64 padding in a signature header for a version label", () => {
    const out = redactHeaders({ "webhook-signature": "c2VjcmV0c2VjcmV0==" })["webhook-signature"]!;
    expect(out).toBe("(redacted)");
  });

  it("keeps cookie names and attributes but hides cookie values", () => {
    const cookie = redactHeaders({ cookie: `session=${LONG_TOKEN}; theme=dark` }).cookie;
    expect(cookie).toBe("session=sk_l…(redacted); theme=(redacted)");
    const setCookie = redactHeaders({
      "set-cookie": `sid=${LONG_TOKEN}; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly; Secure`,
    })["set-cookie"];
    expect(setCookie).toBe(
      "sid=sk_l…(redacted); Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly; Secure",
    );
  });

  it("hides a second cookie joined into one set-cookie value", () => {
    const out = redactHeaders({ "set-cookie": `a=${LONG_TOKEN}; Path=/, b=${LONG_TOKEN}x` })["set-cookie"]!;
    expect(out).toBe("a=sk_l…(redacted); Path=/, b=sk_l…(redacted)");
  });

  it("redacts extra secret header names, case-insensitively", () => {
    const out = redactHeaders({ "X-Custom-Token": LONG_TOKEN, "x-other": "visible" }, ["x-custom-TOKEN"]);
    expect(out).toEqual({ "X-Custom-Token": "sk_l…(redacted)", "x-other": "visible" });
  });

  it("leaves other headers untouched and does not modify its input", () => {
    const input = {
      "content-type": "application/json",
      "webhook-id": "evt_1",
      authorization: `Bearer ${LONG_TOKEN}`,
    };
    const copy = { ...input };
    const out = redactHeaders(input);
    expect(out["content-type"]).toBe("application/json");
    expect(out["webhook-id"]).toBe("evt_1");
    expect(input).toEqual(copy);
  });

  it("keeps empty values empty", () => {
    expect(redactHeaders({ authorization: "" })).toEqual({ authorization: "" });
  });
});

describe("maskSecret", () => {
  it("keeps a known prefix and 4 characters", () => {
    expect(maskSecret("whsec_abcdEFGHijklMNOPqrst")).toBe("whsec_abcd…");
    expect(maskSecret("sk_live_4f9a8b7c6d5e4f3a2b1c")).toBe("sk_live_4f9a…");
    expect(maskSecret("plainsecretvalue123")).toBe("plai…");
  });

  it("shows nothing of a short secret", () => {
    expect(maskSecret("short")).toBe("••••");
    expect(maskSecret("whsec_abc")).toBe("••••");
    expect(maskSecret("")).toBe("••••");
  });

  it("does not treat an underscore inside random text as a prefix", () => {
    const masked = maskSecret("ab_cdefghijklmnopqr");
    expect(masked).toBe("ab_c…");
  });
});
