/**
 * Identifiers and API keys. Pure apart from node:crypto.
 */
import { createHash, randomBytes, randomFillSync } from "node:crypto";

// Ids: prefix + 26 Crockford base32 characters = 48-bit millisecond timestamp (10 chars) and
// 80 random bits (16 chars), like a ULID. Within one millisecond (or if the clock steps back) the
// random part is incremented instead of redrawn, so ids from one process sort by creation order.

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_BYTES = 10;
const MAX_TIME = 2 ** 48 - 1;

let lastTime = -1;
const lastRandom = new Uint8Array(RANDOM_BYTES);

const POOL_SIZE = RANDOM_BYTES * 256;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function fillRandom(target: Uint8Array): void {
  if (poolOffset + target.length > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  target.set(pool.subarray(poolOffset, poolOffset + target.length));
  poolOffset += target.length;
}

/** Adds one to the 80-bit big-endian counter; false on overflow (all bits were set). */
function incrementRandom(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const value = bytes[i]!;
    if (value < 0xff) {
      bytes[i] = value + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

function encodeTime(time: number): string {
  let out = "";
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 groups of 5 bits, most significant first.
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(buffer >> bits) & 31]!;
    }
  }
  return out;
}

/** A prefixed, time-sortable id, e.g. `generateId("evt_")` → `evt_01J9Z3K6Q8M2X4V7N5B0C1D2E3`. */
export function generateId(prefix: string): string {
  let time = Math.min(Date.now(), MAX_TIME);
  if (time <= lastTime) {
    time = lastTime;
    if (!incrementRandom(lastRandom)) {
      // 2^80 ids in one millisecond cannot happen in practice; stay monotonic regardless.
      time = lastTime + 1;
      fillRandom(lastRandom);
    }
  } else {
    fillRandom(lastRandom);
  }
  lastTime = time;
  return prefix + encodeTime(time) + encodeRandom(lastRandom);
}

const ID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The creation time (ms epoch) encoded in an id made by {@link generateId}, or undefined. */
export function idTimestamp(id: string): number | undefined {
  const body = id.slice(-26);
  if (!ID_BODY.test(body)) return undefined;
  let time = 0;
  for (let i = 0; i < 10; i++) time = time * 32 + CROCKFORD.indexOf(body[i]!);
  return time <= MAX_TIME ? time : undefined;
}

/** A new API key: `sk_` + base64url of 32 random bytes. Store only {@link hashApiKey} of it. */
export function generateApiKey(): string {
  return `sk_${randomBytes(32).toString("base64url")}`;
}

/** Hex SHA-256 of an API key, for storage and lookup. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}
