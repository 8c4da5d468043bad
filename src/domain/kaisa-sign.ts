/**
 * Kaisa's "SSL signature" option (`body.sign`): the payload travels as one `data` field beside a
 * `sign` field holding its HMAC. Pure apart from node:crypto.
 */
import { githubSignature } from "./signing.js";

/** `body.sign`: the payload's HMAC-SHA256, hex, keyed like `webhook-signature` (the secret's decoded bytes). */
export function kaisaSignature(secret: string, payload: string): string {
  return githubSignature(secret, payload).slice("sha256=".length);
}

const formValue = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+");

/**
 * The signed body: the rendered payload text as the single field `data` and its signature as
 * `sign` — `data=…&sign=…` for form bodies and query strings, `{"data": "…", "sign": "…"}` for
 * JSON. The payload travels as text so the receiver checks exactly the bytes that were signed.
 */
export function kaisaSignedBody(payload: string, secret: string, format: "form" | "json"): string {
  const sign = kaisaSignature(secret, payload);
  if (format === "json") return JSON.stringify({ data: payload, sign });
  return `data=${formValue(payload)}&sign=${sign}`;
}
