import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Cal.com signs each webhook with `X-Cal-Signature-256`: the hex HMAC-SHA256 of the raw body keyed
 * by the subscription's secret. Compared in constant time; anything but 64 hex digits is false.
 */
export function verifyCalSignature(
  body: Buffer | string,
  secret: string,
  header: string | undefined,
): boolean {
  if (header === undefined || !/^[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(header, "hex"));
}

export function calSignature(body: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}
