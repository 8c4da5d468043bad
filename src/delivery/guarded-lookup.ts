/**
 * A DNS lookup that refuses non-public answers — the send-time half of the destination guard.
 *
 * Plug it into undici as `new Agent({ connect: { lookup } })`: undici hands it to
 * `net.connect` / `tls.connect`, which connect to exactly the address this function returned
 * after checking it. Checking and connecting are one step, so a name cannot answer a public
 * address to a validator and a private one to the connection (DNS rebinding).
 *
 * Node never calls `lookup` for an IP-literal host, so literal URLs must still go through
 * `checkDestinationUrl` (src/domain/destination.ts) before sending.
 */
import { promises as dnsPromises, type LookupAddress, type LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { classifyAddress } from "../domain/destination.js";

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedLookupOptions {
  /** Development / test switch: skip the address check (loopback, private targets allowed). */
  allowPrivate: boolean;
  /** Resolves every address of a name; defaults to the system resolver (`dns.lookup`, all, verbatim). */
  resolve?: Resolver;
}

export class DestinationBlockedError extends Error {
  readonly code = "DESTINATION_BLOCKED";
  readonly hostname: string;
  readonly address: string;
  readonly reason: string;

  constructor(hostname: string, address: string, reason: string) {
    super(`Destination blocked: ${hostname} resolved to ${address}, and ${reason}`);
    this.name = "DestinationBlockedError";
    this.hostname = hostname;
    this.address = address;
    this.reason = reason;
  }
}

const systemResolve: Resolver = async (hostname) => {
  const answers = await dnsPromises.lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

function requestedFamily(family: LookupOptions["family"]): 0 | 4 | 6 {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}

function notFound(hostname: string, family: 0 | 4 | 6): NodeJS.ErrnoException {
  const suffix = family === 0 ? "" : ` (IPv${family})`;
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}${suffix}`);
  error.code = "ENOTFOUND";
  error.syscall = "getaddrinfo";
  return error;
}

/**
 * Returns a `net.LookupFunction` that resolves with `resolve`, refuses the whole answer when any
 * address is not public (unless `allowPrivate`), then answers in the form the caller asked for
 * (`options.all` → array, else the first address; filtered by `options.family`).
 */
export function createGuardedLookup(options: GuardedLookupOptions): LookupFunction {
  const resolve = options.resolve ?? systemResolve;
  return (hostname, lookupOptions, callback) => {
    const family = requestedFamily(lookupOptions.family);
    resolve(hostname).then(
      (answers) => {
        if (!options.allowPrivate) {
          // Every answer is checked, not just the one used: a name that answers any private
          // address is not a public destination (and the connection may fall back to it).
          for (const answer of answers) {
            const verdict = classifyAddress(answer.address);
            if (!verdict.allowed) {
              callback(new DestinationBlockedError(hostname, answer.address, verdict.reason), "");
              return;
            }
          }
        }
        const usable = family === 0 ? answers : answers.filter((answer) => answer.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(notFound(hostname, family), "");
          return;
        }
        if (lookupOptions.all === true) {
          const all: LookupAddress[] = usable.map(({ address, family }) => ({ address, family }));
          callback(null, all);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), "");
      },
    );
  };
}
