/**
 * Destination (SSRF) guard — pure classification, no I/O.
 *
 * "Safe by default": webhook destinations must be HTTPS and public. `classifyAddress` decides
 * whether one IP address is a public unicast destination; `checkDestinationUrl` validates a URL
 * before it is stored or sent (scheme, credentials, IP literals, obviously-internal host names).
 * Host names that look public pass here: their DNS answers are checked at send time by the
 * pinning lookup in `src/delivery/guarded-lookup.ts`, so a name cannot be re-pointed at a
 * private address after validation (DNS rebinding).
 *
 * Classification is ipaddr.js's `range()` (its tables follow the IANA special-purpose registries);
 * only `unicast` passes. What ipaddr.js does not classify is added below by CIDR, with the reason.
 */
import ipaddr from "ipaddr.js";

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export type DestinationCheck =
  | { ok: true; url: URL; literalAddress: string | null }
  | { ok: false; reason: string };

export interface DestinationOptions {
  /** Development / test switch (`SWITCHBOARD_ALLOW_PRIVATE_TARGETS=1`): allow http and private targets. */
  allowPrivate: boolean;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

const METADATA_HINT = "cloud metadata endpoints live here";

/** Why each ipaddr.js IPv4 range (anything but `unicast`) is refused. */
const IPV4_RANGE_REASONS: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified ("this network", 0.0.0.0/8) address — it reaches the local host',
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: `a link-local address (${METADATA_HINT})`,
  loopback: "a loopback address",
  carrierGradeNat: `a carrier-grade NAT (100.64.0.0/10) address, not publicly routable (some ${METADATA_HINT})`,
  private: "a private (RFC 1918) address",
  reserved: "in a reserved, documentation or benchmarking range",
  as112: "an AS112 DNS sink address, not a webhook receiver",
  amt: "an AMT relay anycast address, not a webhook receiver",
};

/** Why each ipaddr.js IPv6 range is refused (ranges that carry an IPv4 are handled separately). */
const IPV6_RANGE_REASONS: Readonly<Record<string, string>> = {
  unspecified: "the unspecified address — it reaches the local host",
  linkLocal: `a link-local address (${METADATA_HINT})`,
  multicast: "a multicast address",
  loopback: "a loopback address",
  uniqueLocal: `a unique-local (private, fc00::/7) address (${METADATA_HINT}, e.g. fd00:ec2::254)`,
  deprecatedSiteLocal: "a site-local (fec0::/10) address",
  discard: "in the discard-only range (100::/64)",
  rfc6145: "an IPv4-translated (RFC 6145) address, used only inside translation networks",
  benchmarking: "in the benchmarking range (2001:2::/48)",
  amt: "an AMT relay address, not a webhook receiver",
  as112v6: "an AS112 DNS sink address, not a webhook receiver",
  deprecatedOrchid: "an ORCHID (overlay identifier) address, not routable",
  orchid2: "an ORCHIDv2 (overlay identifier) address, not routable",
  droneRemoteIdProtocolEntityTags: "a drone remote-ID entity tag, not routable",
  segmentRouting: "a segment-routing SID (5f00::/16), not a host address",
  reserved: "in a reserved or documentation range",
};

// --- What ipaddr.js (2.5) does not classify, added by CIDR ------------------------------------
// IPv4: nothing — ipaddr 2.5 covers the whole IANA IPv4 special-purpose registry (192.0.0.0/24,
// 192.0.2.0/24, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24 and 240.0.0.0/4 are `reserved`;
// the unit tests pin this so a dependency change cannot silently open them).
// IPv6: ipaddr reports these as plain `unicast`.
/** ::/96 — IPv4-compatible addresses (deprecated by RFC 4291 §2.5.5.1; `::` and `::1` are classified first). */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR("::/96");
/** 2000::/3 — the only IANA-allocated global unicast space; everything outside it is reserved by the IETF. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");
/** 64:ff9b::/96 — the well-known NAT64 prefix (RFC 6052); ipaddr's `rfc6052` also covers 64:ff9b:1::/48. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

function refuse(reason: string): AddressVerdict {
  return { allowed: false, reason };
}

function v4FromWords(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classifyV4(address: IPv4): AddressVerdict {
  const range = address.range();
  if (range === "unicast") return { allowed: true };
  const text = address.toString();
  return refuse(`${text} is ${IPV4_RANGE_REASONS[range] ?? `a special-purpose address (${range})`}`);
}

interface EmbeddedV4 {
  address: IPv4;
  role: string;
}

/** Every IPv4 address an IPv6 address carries, by the transition mechanism its range implies. */
function embeddedV4(address: IPv6, range: string): EmbeddedV4[] {
  const p = address.parts;
  const word = (i: number): number => p[i] ?? 0;
  const last32 = (role: string): EmbeddedV4[] => [{ address: v4FromWords(word(6), word(7)), role }];
  switch (range) {
    case "ipv4Mapped":
      return last32("IPv4-mapped");
    case "rfc6145":
      return last32("IPv4-translated");
    case "rfc6052":
      // 64:ff9b::/96 carries the IPv4 in the last 32 bits. For the local-use 64:ff9b:1::/48 the
      // position depends on the operator's prefix length, so the whole range is refused below.
      return address.match(NAT64_WELL_KNOWN) ? last32("NAT64") : [];
    case "6to4":
      // 2002:AABB:CCDD::/48 — the site's IPv4 is bits 16–48.
      return [{ address: v4FromWords(word(1), word(2)), role: "6to4" }];
    case "teredo":
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC — server IPv4 in bits 32–64, client IPv4 in the
      // last 32 bits, XOR 0xffffffff (obfuscated). A Teredo node sends straight to the client IPv4.
      return [
        { address: v4FromWords(word(2), word(3)), role: "Teredo server" },
        { address: v4FromWords(word(6) ^ 0xffff, word(7) ^ 0xffff), role: "Teredo client" },
      ];
    case "unicast":
      return address.match(IPV4_COMPATIBLE) ? last32("IPv4-compatible") : [];
    default:
      return [];
  }
}

function classifyV6(address: IPv6): AddressVerdict {
  const range = address.range();
  const text = address.toString();

  // Whatever the range, an address that smuggles a refused IPv4 is refused with that IPv4's reason.
  for (const embedded of embeddedV4(address, range)) {
    const verdict = classifyV4(embedded.address);
    if (!verdict.allowed) {
      const v4 = embedded.address.toString();
      return refuse(`${text} carries the IPv4 address ${v4} (${embedded.role}), and ${verdict.reason}`);
    }
  }

  switch (range) {
    case "ipv4Mapped":
    case "6to4":
    case "teredo":
      // The embedded IPv4 addresses (checked above) are public: this is the same destination as
      // that public IPv4, reached through a transition mechanism.
      return { allowed: true };
    case "rfc6052":
      if (address.match(NAT64_WELL_KNOWN)) return { allowed: true }; // DNS64 answer for a public IPv4
      // Refused entirely: local-use NAT64 (RFC 8215) has no fixed IPv4 position, so what it
      // reaches cannot be checked, and it only exists inside one operator's network.
      return refuse(`${text} is in the local-use NAT64 range (64:ff9b:1::/48), which cannot be checked`);
    case "unicast":
      if (address.match(IPV4_COMPATIBLE)) {
        // Refused entirely even with a public IPv4: deprecated since 2006 and never a real
        // destination, while some stacks still route it to the IPv4 it carries.
        return refuse(`${text} is a deprecated IPv4-compatible address (::/96)`);
      }
      if (!address.match(GLOBAL_UNICAST)) {
        return refuse(`${text} is outside the global unicast range (2000::/3) and reserved`);
      }
      return { allowed: true };
    default:
      return refuse(`${text} is ${IPV6_RANGE_REASONS[range] ?? `a special-purpose address (${range})`}`);
  }
}

const DOTTED_TAIL = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(%.*)?$/;

/**
 * Rewrites an IPv6 address's dotted-quad tail as two hex words (`::127.0.0.1` → `::7f00:1`).
 * ipaddr.js parses `::a.b.c.d` as if it were `::ffff:a.b.c.d` (IPv4-mapped), but it is the
 * IPv4-compatible form — and Node's resolver prints IPv4-compatible answers exactly that way.
 */
function dottedTailToHex(ip: string): string {
  const match = DOTTED_TAIL.exec(ip);
  if (match === null) return ip;
  const octets = match.slice(2, 6).map(Number);
  if (octets.some((octet) => octet > 255)) return ip; // left for ipaddr to reject
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  const hex = (high: number, low: number): string => ((high << 8) | low).toString(16);
  return `${match[1]}${hex(a, b)}:${hex(c, d)}${match[6] ?? ""}`;
}

/**
 * Whether an IP address (IPv4 dotted or IPv6, no brackets) is a public unicast destination.
 * Anything that does not parse as an IP address is refused.
 */
export function classifyAddress(ip: string): AddressVerdict {
  let address: IPv4 | IPv6;
  try {
    address = ipaddr.parse(ip.includes(":") ? dottedTailToHex(ip) : ip);
  } catch {
    return refuse(`${JSON.stringify(ip)} is not a valid IP address`);
  }
  return address instanceof ipaddr.IPv4 ? classifyV4(address) : classifyV6(address);
}

/** Special-use and private-by-convention names that never denote a public webhook receiver. */
const INTERNAL_NAMES = new Set(["localhost", "localhost.localdomain", "metadata.google.internal"]);
const INTERNAL_SUFFIXES = [
  "localhost", // RFC 6761: always loopback
  "local", // mDNS (RFC 6762), also Kubernetes *.svc.cluster.local
  "internal", // private-use TLD (ICANN 2024); GCP metadata.google.internal, *.ec2.internal
  "localdomain",
  "home.arpa", // RFC 8375 home networks
  "intranet",
  "lan",
  "corp",
  "home",
];

function internalNameReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, "");
  if (name === "") return "the URL has no host";
  if (INTERNAL_NAMES.has(name)) return `${name} is a local or internal host name`;
  for (const suffix of INTERNAL_SUFFIXES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) {
      return `${name} is a local or internal host name (.${suffix})`;
    }
  }
  if (!name.includes(".")) {
    return `${name} is a single-label host name, which resolves through local search domains`;
  }
  return null;
}

/**
 * Checks a bare host name or IP literal (an SMTP server, say) the way {@link checkDestinationUrl}
 * checks a URL's host: public addresses and names only, unless `allowPrivate`. Returns the reason
 * it is refused, or null. Names are checked again after DNS resolution, at send time.
 */
export function checkDestinationHost(host: string, options: DestinationOptions): string | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const literal = ipaddr.IPv4.isValidFourPartDecimal(bare) || (bare.includes(":") && ipaddr.isValid(bare));
  if (!literal && !/^[A-Za-z0-9.-]+$/.test(bare)) return `"${host}" is not a host name or IP address`;
  if (options.allowPrivate) return null;
  if (literal) {
    const verdict = classifyAddress(bare);
    return verdict.allowed ? null : verdict.reason;
  }
  return internalNameReason(bare);
}

function fail(reason: string): DestinationCheck {
  return { ok: false, reason };
}

/**
 * Validates a webhook destination URL. Relies on WHATWG URL parsing, which already normalizes
 * IPv4 in any notation (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) to dotted decimal and
 * IPv6 to its compressed form. `literalAddress` is the host when it is an IP literal (IPv6
 * without brackets), else null. With `allowPrivate`, http and private/internal targets pass.
 */
export function checkDestinationUrl(url: string, options: DestinationOptions): DestinationCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail("the destination is not a valid absolute URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return fail(`the destination must be an http(s) URL, not ${parsed.protocol.replace(/:$/, "")}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return fail("the destination URL must not contain a username or password (use the webhook's auth)");
  }

  const host = parsed.hostname;
  let literalAddress: string | null = null;
  if (host.startsWith("[") && host.endsWith("]")) literalAddress = host.slice(1, -1);
  else if (ipaddr.IPv4.isValidFourPartDecimal(host)) literalAddress = host;

  if (!options.allowPrivate) {
    if (parsed.protocol !== "https:") return fail("the destination must use https");
    if (literalAddress !== null) {
      const verdict = classifyAddress(literalAddress);
      if (!verdict.allowed) return fail(verdict.reason);
    } else {
      const reason = internalNameReason(host);
      if (reason !== null) return fail(reason);
    }
  }
  return { ok: true, url: parsed, literalAddress };
}
