import { isIP } from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import { createGuardedLookup, DestinationBlockedError } from "../../delivery/guarded-lookup.js";
import { classifyAddress } from "../../domain/destination.js";
import type { EmailSettings } from "./schema.js";

/** What the transport needs of a resolved email destination. */
export interface SmtpTarget {
  id: string;
  updated_at: number;
  timeout_ms: number;
  max_in_flight: number | null;
  settings: EmailSettings;
}

/**
 * SMTP connections per email destination: a small nodemailer pool per destination version and
 * server address, so consecutive emails reuse the connection (one TLS handshake, one AUTH)
 * instead of paying them per event.
 */
export class SmtpTransports {
  private readonly pools = new Map<string, { key: string; transport: Transporter }>();
  private readonly lookup: ReturnType<typeof createGuardedLookup>;

  constructor(private readonly allowPrivate: boolean) {
    this.lookup = createGuardedLookup({ allowPrivate });
  }

  /**
   * The SMTP server's address, checked at send time like a webhook's: a name is resolved here
   * and the connection goes to exactly the address that passed (no rebinding between check and
   * connect); the name stays the TLS server name. Throws {@link DestinationBlockedError}.
   */
  async address(host: string): Promise<string> {
    const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    if (isIP(bare) !== 0) {
      if (!this.allowPrivate) {
        const verdict = classifyAddress(bare);
        if (!verdict.allowed) throw new DestinationBlockedError(host, bare, verdict.reason);
      }
      return bare;
    }
    return new Promise((resolve, reject) => {
      this.lookup(bare, {}, (error, address) => {
        if (error) reject(error);
        else resolve(address as string);
      });
    });
  }

  /** The pool for this destination version at this address (older versions' pools are closed). */
  transport(target: SmtpTarget, address: string): Transporter {
    const key = `${target.updated_at}:${address}`;
    const current = this.pools.get(target.id);
    if (current?.key === key) return current.transport;
    current?.transport.close();
    const { smtp } = target.settings;
    const transport = nodemailer.createTransport({
      host: address,
      port: smtp.port,
      secure: smtp.security === "tls",
      requireTLS: smtp.security === "starttls",
      ignoreTLS: smtp.security === "none",
      // The certificate is checked against the name the user gave, not the resolved address.
      ...(isIP(smtp.host) === 0 ? { tls: { servername: smtp.host } } : {}),
      ...(smtp.username !== null ? { auth: { user: smtp.username, pass: smtp.password ?? "" } } : {}),
      connectionTimeout: target.timeout_ms,
      greetingTimeout: target.timeout_ms,
      socketTimeout: target.timeout_ms,
      pool: true,
      maxConnections: Math.min(target.max_in_flight ?? 3, 10),
    });
    this.pools.set(target.id, { key, transport });
    return transport;
  }

  /** Drops a destination's pool (its connection failed: the next attempt starts afresh). */
  discard(id: string): void {
    this.pools.get(id)?.transport.close();
    this.pools.delete(id);
  }

  close(): void {
    for (const { transport } of this.pools.values()) transport.close();
    this.pools.clear();
  }
}
