import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretHeaderName, redactHeaders } from "../../src/domain/redact.js";

const SECRET = "tok_0123456789abcdefghij";

describe("credential-looking header names are redacted", () => {
  it.each([
    "x-api-token",
    "X-Api-Token",
    "x-secret-key",
    "x-client-secret",
    "x-password",
    "x-db-passwd",
    "x-auth-user",
    "x-signature",
    "x-session-cookie",
    "private-key",
    "KEY",
    "Authorization",
  ])("%s", (name) => {
    expect(isSecretHeaderName(name)).toBe(true);
    expect(redactHeaders({ [name]: SECRET })[name]).not.toContain("0123456789");
  });

  it.each(["content-type", "accept", "x-request-id", "user-agent", "x-campaign", "keep-alive"])(
    "%s is shown as it is",
    (name) => {
      expect(isSecretHeaderName(name)).toBe(false);
      expect(redactHeaders({ [name]: SECRET })[name]).toBe(SECRET);
    },
  );

  it("any name containing a credential word, in any case and position, never shows the value", () => {
    const word = fc.constantFrom("token", "key", "secret", "password", "auth", "signature", "cookie");
    const part = fc.stringMatching(/^[a-z0-9-]{0,8}$/);
    const casing = fc.func(fc.boolean());
    fc.assert(
      fc.property(
        part,
        word,
        part,
        casing,
        fc.stringMatching(/^[A-Za-z0-9_]{12,40}$/),
        (a, w, b, upper, value) => {
          const name = [...`${a}${w}${b}`].map((c, i) => (upper(i) ? c.toUpperCase() : c)).join("");
          const shown = redactHeaders({ [name]: value })[name] ?? "";
          expect(shown).not.toBe(value);
          expect(shown.length).toBeLessThan(value.length + 12);
          expect(shown).not.toContain(value.slice(4));
        },
      ),
    );
  });
});
