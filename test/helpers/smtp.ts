import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** How the server answers the message numbered `index` (from 0): accept, or refuse with a reply. */
export type MailReply = (index: number) => { code: number; message: string } | null;

/** A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps what it accepted. */
export class MailServer {
  readonly messages: ParsedMail[] = [];
  /** Every message that reached DATA, accepted or refused. */
  received = 0;
  readonly logins: string[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(
    options: { auth?: { user: string; pass: string }; reply?: MailReply } = {},
  ): Promise<MailServer> {
    let mail: MailServer | null = null;
    const settings: SMTPServerOptions = {
      // Plain SMTP on loopback: the destination's `security: "none"`, allowed in tests only.
      secure: false,
      disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      logger: false,
      // Switchboard keeps pooled connections open; closing waits this long for them, then cuts them.
      closeTimeout: 100,
      onAuth(auth, _session, callback) {
        const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
        if (!ok) {
          callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
          return;
        }
        mail?.logins.push(auth.username ?? "");
        callback(null, { user: auth.username });
      },
      onData(stream, _session, callback) {
        const index = mail ? mail.received++ : 0;
        simpleParser(stream).then(
          (parsed) => {
            const refusal = options.reply?.(index) ?? null;
            if (refusal) {
              callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
              return;
            }
            mail?.messages.push(parsed);
            callback(null, `queued as test-${index}`);
          },
          (error: Error) => callback(error),
        );
      },
    };
    const server = new SMTPServer(settings);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.server.address() as AddressInfo).port;
    mail = new MailServer(server, port);
    return mail;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
