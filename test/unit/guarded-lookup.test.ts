import type { LookupAddress, LookupOptions } from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGuardedLookup,
  DestinationBlockedError,
  type ResolvedAddress,
  type Resolver,
} from "../../src/delivery/guarded-lookup.js";

type LookupResult = { address: string | LookupAddress[]; family: number | undefined };

/** Runs a LookupFunction to completion as a promise. */
function lookupWith(
  lookup: ReturnType<typeof createGuardedLookup>,
  hostname: string,
  options: LookupOptions = {},
): Promise<LookupResult> {
  return new Promise((resolve, reject) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) reject(err);
      else resolve({ address, family });
    });
  });
}

const answers =
  (...addresses: ResolvedAddress[]): Resolver =>
  async () =>
    addresses;
const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

async function blockedError(promise: Promise<unknown>): Promise<DestinationBlockedError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the lookup to be blocked");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DestinationBlockedError);
  return error as DestinationBlockedError;
}

describe("createGuardedLookup — stub resolver", () => {
  it("passes a public answer through (single-address form)", async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: answers(v4("93.184.216.34")) });
    expect(await lookupWith(lookup, "example.com")).toEqual({ address: "93.184.216.34", family: 4 });
  });

  it("honours options.all and options.family", async () => {
    const resolve = answers(v6("2606:2800:220:1:248:1893:25c8:1946"), v4("93.184.216.34"));
    const lookup = createGuardedLookup({ allowPrivate: false, resolve });
    expect(await lookupWith(lookup, "example.com", { all: true })).toEqual({
      address: [
        { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
        { address: "93.184.216.34", family: 4 },
      ],
      family: undefined,
    });
    expect(await lookupWith(lookup, "example.com")).toEqual({
      address: "2606:2800:220:1:248:1893:25c8:1946",
      family: 6,
    });
    expect(await lookupWith(lookup, "example.com", { family: 4 })).toEqual({
      address: "93.184.216.34",
      family: 4,
    });
    expect(await lookupWith(lookup, "example.com", { family: "IPv4", all: true })).toEqual({
      address: [{ address: "93.184.216.34", family: 4 }],
      family: undefined,
    });
    expect(await lookupWith(lookup, "example.com", { family: 6, all: true })).toMatchObject({
      address: [{ family: 6 }],
    });
  });

  it("answers ENOTFOUND when no address of the requested family exists", async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: answers(v4("93.184.216.34")) });
    await expect(lookupWith(lookup, "example.com", { family: 6 })).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });

  it("passes resolver errors through", async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nope.invalid"), { code: "ENOTFOUND" });
    };
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: failing });
    await expect(lookupWith(lookup, "nope.invalid")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });

  it("blocks a loopback answer with DESTINATION_BLOCKED and the reason", async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: answers(v4("127.0.0.1")) });
    const error = await blockedError(lookupWith(lookup, "evil.example"));
    expect(error.code).toBe("DESTINATION_BLOCKED");
    expect(error.message).toBe(
      "Destination blocked: evil.example resolved to 127.0.0.1, and 127.0.0.1 is a loopback address",
    );
    expect(error.reason).toBe("127.0.0.1 is a loopback address");
  });

  it("blocks a mixed answer (public + private), even for the family not requested", async () => {
    const lookup = createGuardedLookup({
      allowPrivate: false,
      resolve: answers(v4("93.184.216.34"), v4("10.0.0.7")),
    });
    const error = await blockedError(lookupWith(lookup, "mixed.example", { all: true }));
    expect(error.address).toBe("10.0.0.7");

    const v6Private = createGuardedLookup({
      allowPrivate: false,
      resolve: answers(v4("93.184.216.34"), v6("fd00:ec2::254")),
    });
    await blockedError(lookupWith(v6Private, "mixed.example", { family: 4 }));
  });

  it("blocks IPv6 answers that smuggle a private IPv4 (as Node's resolver prints them)", async () => {
    for (const address of ["::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a00:1::1"]) {
      const lookup = createGuardedLookup({ allowPrivate: false, resolve: answers(v6(address)) });
      await blockedError(lookupWith(lookup, "smuggle.example"));
    }
  });

  it("checks every lookup: DNS rebinding (public, then 127.0.0.1) is blocked on the second call", async () => {
    let calls = 0;
    const rebinding: Resolver = async () => {
      calls += 1;
      return calls === 1 ? [v4("93.184.216.34")] : [v4("127.0.0.1")];
    };
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: rebinding });
    expect(await lookupWith(lookup, "rebind.example")).toEqual({ address: "93.184.216.34", family: 4 });
    const error = await blockedError(lookupWith(lookup, "rebind.example"));
    expect(error.address).toBe("127.0.0.1");
    expect(calls).toBe(2);
  });

  it("allowPrivate lets loopback and private answers through", async () => {
    const lookup = createGuardedLookup({
      allowPrivate: true,
      resolve: answers(v4("127.0.0.1"), v6("::1"), v4("10.0.0.7")),
    });
    expect(await lookupWith(lookup, "localhost")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await lookupWith(lookup, "localhost", { all: true, family: 6 })).toEqual({
      address: [{ address: "::1", family: 6 }],
      family: undefined,
    });
  });

  it("uses the system resolver by default", async () => {
    const lookup = createGuardedLookup({ allowPrivate: false });
    await blockedError(lookupWith(lookup, "localhost"));
    const dev = createGuardedLookup({ allowPrivate: true });
    const result = await lookupWith(dev, "localhost", { all: true });
    expect(Array.isArray(result.address) && result.address.length).toBeGreaterThan(0);
  });
});

describe("createGuardedLookup — undici really connects through it", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("reached");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const toLoopback = answers(v4("127.0.0.1"));

  /** The first error code on the error or its cause chain. */
  function codeOf(error: unknown): string | undefined {
    let current: unknown = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
      const code = (current as NodeJS.ErrnoException).code;
      if (code === "DESTINATION_BLOCKED") return code;
      current = current.cause;
    }
    return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  }

  it("refuses the connection when the name resolves to loopback", async () => {
    const agent = new Agent({
      connect: { lookup: createGuardedLookup({ allowPrivate: false, resolve: toLoopback }) },
    });
    try {
      const error = await request(`http://rebind.test:${port}/`, { dispatcher: agent }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(codeOf(error)).toBe("DESTINATION_BLOCKED");
    } finally {
      await agent.close();
    }
  });

  it("connects to exactly the resolved address with allowPrivate", async () => {
    const agent = new Agent({
      connect: { lookup: createGuardedLookup({ allowPrivate: true, resolve: toLoopback }) },
    });
    try {
      const response = await request(`http://rebind.test:${port}/`, { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe("reached");
    } finally {
      await agent.close();
    }
  });
});
