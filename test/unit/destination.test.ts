import { describe, expect, it } from "vitest";
import { checkDestinationUrl, classifyAddress } from "../../src/domain/destination.js";

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

// Teredo: 2001:0:<server v4>:<flags>:<port>:<client v4 XOR 0xffffffff>. Server 65.54.227.120 (public).
const TEREDO_CLIENT_LOOPBACK = "2001:0:4136:e378:8000:63bf:80ff:fffe"; // client 127.0.0.1
const TEREDO_CLIENT_PRIVATE = "2001:0:4136:e378:8000:63bf:f5ff:fffe"; // client 10.0.0.1
const TEREDO_SERVER_PRIVATE = "2001:0:c0a8:101:8000:63bf:b7c9:23ab"; // server 192.168.1.1, client 72.54.220.84

/** [url, a fragment the reason must contain] */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  // IPv4 loopback, every notation WHATWG URL normalizes to dotted decimal
  ["https://127.0.0.1/", "127.0.0.1 is a loopback address"],
  ["https://127.255.1.2:8443/x", "127.255.1.2 is a loopback address"],
  ["https://2130706433/", "127.0.0.1 is a loopback address"],
  ["https://0x7f000001/", "127.0.0.1 is a loopback address"],
  ["https://0177.0.0.1/", "127.0.0.1 is a loopback address"],
  ["https://127.1/", "127.0.0.1 is a loopback address"],
  ["https://0x7f.1/", "127.0.0.1 is a loopback address"],
  ["https://0.0.0.0/", "0.0.0.0 is an unspecified"],
  // RFC 1918, CGNAT, link-local / metadata
  ["https://10.1.2.3/", "10.1.2.3 is a private (RFC 1918) address"],
  ["https://172.16.0.1/", "private (RFC 1918)"],
  ["https://172.31.255.254/", "private (RFC 1918)"],
  ["https://192.168.1.1/", "private (RFC 1918)"],
  ["https://100.64.0.1/", "carrier-grade NAT"],
  ["https://100.100.100.200/latest/meta-data", "carrier-grade NAT"],
  ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address (cloud metadata"],
  // multicast, broadcast, documentation / reserved / benchmarking
  ["https://224.0.0.1/", "224.0.0.1 is a multicast address"],
  ["https://255.255.255.255/", "255.255.255.255 is the broadcast address"],
  ["https://192.0.2.1/", "192.0.2.1 is in a reserved"],
  ["https://198.51.100.7/", "198.51.100.7 is in a reserved"],
  ["https://203.0.113.9/", "203.0.113.9 is in a reserved"],
  ["https://198.18.0.1/", "198.18.0.1 is in a reserved"],
  ["https://198.19.255.1/", "reserved"],
  ["https://192.0.0.8/", "192.0.0.8 is in a reserved"],
  ["https://240.0.0.1/", "240.0.0.1 is in a reserved"],
  // IPv6
  ["https://[::1]/", "::1 is a loopback address"],
  ["https://[::]/", ":: is the unspecified address"],
  [
    "https://[::ffff:127.0.0.1]/",
    "carries the IPv4 address 127.0.0.1 (IPv4-mapped), and 127.0.0.1 is a loopback",
  ],
  ["https://[::ffff:7f00:1]/", "127.0.0.1 (IPv4-mapped)"],
  ["https://[::ffff:a9fe:a9fe]/", "169.254.169.254 (IPv4-mapped)"],
  ["https://[::127.0.0.1]/", "127.0.0.1 (IPv4-compatible)"],
  ["https://[::8.8.8.8]/", "deprecated IPv4-compatible"],
  ["https://[::ffff:0:7f00:1]/", "127.0.0.1 (IPv4-translated)"],
  ["https://[64:ff9b::7f00:1]/", "127.0.0.1 (NAT64)"],
  ["https://[64:ff9b::10.0.0.1]/", "10.0.0.1 (NAT64)"],
  ["https://[64:ff9b:1::808:808]/", "local-use NAT64"],
  ["https://[2002:7f00:1::]/", "127.0.0.1 (6to4)"],
  ["https://[2002:a9fe:a9fe::]/", "169.254.169.254 (6to4), and 169.254.169.254 is a link-local"],
  [`https://[${TEREDO_CLIENT_LOOPBACK}]/`, "127.0.0.1 (Teredo client)"],
  [`https://[${TEREDO_CLIENT_PRIVATE}]/`, "10.0.0.1 (Teredo client)"],
  [`https://[${TEREDO_SERVER_PRIVATE}]/`, "192.168.1.1 (Teredo server)"],
  ["https://[fe80::1]/", "fe80::1 is a link-local address"],
  ["https://[fc00::1]/", "unique-local"],
  ["https://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 is a unique-local"],
  ["https://[fec0::1]/", "site-local"],
  ["https://[ff02::1]/", "ff02::1 is a multicast address"],
  ["https://[100::1]/", "discard-only"],
  ["https://[2001:db8::1]/", "2001:db8::1 is in a reserved or documentation range"],
  ["https://[2001:2::1]/", "benchmarking"],
  ["https://[4000::1]/", "outside the global unicast range"],
  // names refused without DNS
  ["https://localhost/", "localhost is a local or internal host name"],
  ["https://LOCALHOST./", "localhost is a local or internal host name"],
  ["https://foo.localhost/", "foo.localhost is a local or internal host name (.localhost)"],
  ["https://printer.local/", "(.local)"],
  ["https://api.svc.cluster.local/", "(.local)"],
  ["https://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a local or internal"],
  ["https://ip-10-0-0-1.ec2.internal/", "(.internal)"],
  ["https://router.home.arpa/", "(.home.arpa)"],
  ["https://metadata/", "single-label host name"],
  // scheme, credentials, syntax
  ["http://example.com/", "must use https"],
  ["http://2130706433/", "must use https"],
  ["https://user:pass@example.com/", "must not contain a username or password"],
  ["https://user@example.com/", "must not contain a username or password"],
  ["https://:secret@example.com/", "must not contain a username or password"],
  ["ftp://example.com/", "must be an http(s) URL, not ftp"],
  ["file:///etc/passwd", "must be an http(s) URL, not file"],
  ["javascript:alert(1)", "must be an http(s) URL"],
  ["not a url", "not a valid absolute URL"],
  ["/relative/path", "not a valid absolute URL"],
  ["https://999.1.1.1/", "not a valid absolute URL"],
];

const ALLOWED: ReadonlyArray<readonly [string, string | null]> = [
  ["https://example.com/hook", null],
  ["https://93.184.216.34/", "93.184.216.34"],
  ["https://[2606:2800:220:1:248:1893:25c8:1946]/", "2606:2800:220:1:248:1893:25c8:1946"],
  ["https://hooks.slack.com/services/x", null],
  ["https://8.8.8.8:8443/x", "8.8.8.8"],
  ["https://[::ffff:8.8.8.8]/", "::ffff:808:808"],
  ["https://[64:ff9b::8.8.8.8]/", "64:ff9b::808:808"],
  ["https://[2002:808:808::1]/", "2002:808:808::1"],
  ["https://Example.COM./path?q=1", null],
  ["https://localhost.example.com/", null],
];

describe("checkDestinationUrl — refused (allowPrivate false)", () => {
  it("has a large refusal table", () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(REFUSED)("refuses %s", (url, reason) => {
    const result = checkDestinationUrl(url, strict);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe("checkDestinationUrl — allowed", () => {
  it.each(ALLOWED)("allows %s", (url, literal) => {
    const result = checkDestinationUrl(url, strict);
    expect(result).toMatchObject({ ok: true, literalAddress: literal });
    if (result.ok) expect(result.url).toBeInstanceOf(URL);
  });

  it("returns the parsed URL", () => {
    const result = checkDestinationUrl("https://hooks.example.com:8443/a/b?c=d", strict);
    expect(result.ok && result.url.href).toBe("https://hooks.example.com:8443/a/b?c=d");
  });
});

describe("checkDestinationUrl — allowPrivate (development switch)", () => {
  it.each([
    ["http://127.0.0.1:3000/", "127.0.0.1"],
    ["http://localhost:3000/hook", null],
    ["https://[::1]:8443/", "::1"],
    ["http://10.0.0.5/", "10.0.0.5"],
    ["http://receiver/", null],
  ] as const)("allows %s", (url, literal) => {
    expect(checkDestinationUrl(url, dev)).toMatchObject({ ok: true, literalAddress: literal });
  });

  it("still normalizes IPv4 notations in literalAddress", () => {
    expect(checkDestinationUrl("http://2130706433:3000/", dev)).toMatchObject({
      ok: true,
      literalAddress: "127.0.0.1",
    });
    expect(checkDestinationUrl("http://0x7f.1/", dev)).toMatchObject({
      ok: true,
      literalAddress: "127.0.0.1",
    });
  });

  it("still refuses non-http schemes, credentials and garbage", () => {
    expect(checkDestinationUrl("ftp://127.0.0.1/", dev).ok).toBe(false);
    expect(checkDestinationUrl("http://u:p@127.0.0.1/", dev).ok).toBe(false);
    expect(checkDestinationUrl("not a url", dev).ok).toBe(false);
  });
});

describe("classifyAddress", () => {
  it("allows public unicast IPv4 and IPv6", () => {
    for (const ip of [
      "8.8.8.8",
      "1.1.1.1",
      "93.184.216.34",
      "2606:4700:4700::1111",
      "2a00:1450:4001:80b::200e",
    ]) {
      expect(classifyAddress(ip), ip).toEqual({ allowed: true });
    }
  });

  it("gives clear, user-facing reasons", () => {
    expect(classifyAddress("127.0.0.1")).toEqual({
      allowed: false,
      reason: "127.0.0.1 is a loopback address",
    });
    expect(classifyAddress("169.254.169.254")).toEqual({
      allowed: false,
      reason: "169.254.169.254 is a link-local address (cloud metadata endpoints live here)",
    });
    expect(classifyAddress("::ffff:127.0.0.1")).toEqual({
      allowed: false,
      reason:
        "::ffff:7f00:1 carries the IPv4 address 127.0.0.1 (IPv4-mapped), and 127.0.0.1 is a loopback address",
    });
  });

  // Pins ipaddr.js's tables: these are refused by ipaddr's own `range()`, not by extra CIDRs here.
  it.each([
    ["192.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.51.100.1", "reserved"],
    ["203.0.113.1", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.88.99.1", "reserved"],
    ["192.175.48.1", "AS112"],
    ["192.52.193.1", "AMT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["0.1.2.3", "unspecified"],
  ])("refuses %s (%s)", (ip, fragment) => {
    const verdict = classifyAddress(ip);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(fragment);
  });

  it("refuses every embedded refused IPv4, whatever the IPv6 wrapper", () => {
    const wrappers = (v4: string, hex: string) => [
      `::ffff:${v4}`,
      `::${v4}`,
      `::ffff:0:${v4}`,
      `64:ff9b::${v4}`,
      `2002:${hex}::1`,
    ];
    for (const [v4, hex] of [
      ["127.0.0.1", "7f00:1"],
      ["10.0.0.1", "a00:1"],
      ["169.254.169.254", "a9fe:a9fe"],
      ["100.100.100.200", "6464:64c8"],
      ["0.1.2.3", "1:203"],
    ] as const) {
      for (const ip of wrappers(v4, hex)) {
        const verdict = classifyAddress(ip);
        expect(verdict.allowed, ip).toBe(false);
        if (!verdict.allowed) expect(verdict.reason, ip).toContain(v4);
      }
    }
  });

  it("allows transition addresses that carry a public IPv4, except deprecated / uncheckable ones", () => {
    expect(classifyAddress("::ffff:8.8.8.8").allowed).toBe(true);
    expect(classifyAddress("64:ff9b::8.8.8.8").allowed).toBe(true);
    expect(classifyAddress("2002:808:808::1").allowed).toBe(true);
    // Teredo with public server 65.54.227.120 and public client 8.8.8.8 (0x0808_0808 ^ 0xffff_ffff)
    expect(classifyAddress("2001:0:4136:e378:8000:63bf:f7f7:f7f7").allowed).toBe(true);
    expect(classifyAddress("::8.8.8.8").allowed).toBe(false); // IPv4-compatible: deprecated
    expect(classifyAddress("::ffff:0:8.8.8.8").allowed).toBe(false); // IPv4-translated: SIIT-internal
    expect(classifyAddress("64:ff9b:1::808:808").allowed).toBe(false); // local-use NAT64
  });

  it("reads ::a.b.c.d as IPv4-compatible, not IPv4-mapped (Node's resolver prints ::7f00:1 that way)", () => {
    expect(classifyAddress("::127.0.0.1")).toMatchObject({
      reason: expect.stringContaining("(IPv4-compatible)"),
    });
    expect(classifyAddress("::8.8.8.8")).toMatchObject({ reason: expect.stringContaining("deprecated") });
    expect(classifyAddress("::ffff:127.0.0.1")).toMatchObject({
      reason: expect.stringContaining("(IPv4-mapped)"),
    });
    expect(classifyAddress("::ffff:8.8.8.8").allowed).toBe(true);
    expect(classifyAddress("2606:4700::1.1.1.1").allowed).toBe(true);
    expect(classifyAddress("::1.2.3.256").allowed).toBe(false);
  });

  it("refuses zone-scoped link-local and anything that is not an IP address", () => {
    expect(classifyAddress("fe80::1%eth0").allowed).toBe(false);
    for (const junk of ["", "example.com", "1.2.3.4.5", "::g", "[::1]"]) {
      expect(classifyAddress(junk).allowed, junk).toBe(false);
    }
  });
});
