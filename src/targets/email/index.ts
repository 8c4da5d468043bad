import { envelopeJson, envelopeOf } from "../../delivery/body.js";
import { classifyError } from "../../delivery/sender.js";
import { emailText, smtpReplyCode, subjectLine } from "../../domain/email-message.js";
import { type CompileResult, compileTemplate, renderText } from "../../domain/template.js";
import type { SecretCipher } from "../../secrets/cipher.js";
import type { EventRecord, WebhookRecord } from "../../store/index.js";
import {
  type AttemptRequest,
  type Exchange,
  type ResolvedTarget,
  type TargetKind,
  targetBase,
} from "../kind.js";
import type { EmailSettings } from "./schema.js";
import { SmtpTransports } from "./transport.js";

/** An email destination with its settings (SMTP password included) decrypted. */
export interface ResolvedEmail extends ResolvedTarget {
  kind: "email";
  settings: EmailSettings;
  /** The subject template, compiled once per version. */
  subject: CompileResult;
}

export function decryptEmailSettings(cipher: SecretCipher, stored: string | null): EmailSettings {
  if (stored === null) throw new Error("an email destination without settings");
  return JSON.parse(cipher.decrypt(stored)) as EmailSettings;
}

/**
 * Email destinations: each event becomes one email over SMTP — the subject from a Liquid
 * template, a plain-text body of `Label: value` lines for CRM email parsers, and the JSON
 * envelope attached as `event.json`. The SMTP server's reply is the attempt's response: its code
 * is the status (2xx delivered; 4xx and 5xx retried on the schedule like an HTTP error).
 */
export function emailKind(
  cipher: SecretCipher,
  options: { allowPrivateTargets: boolean },
): TargetKind<ResolvedEmail> {
  const transports = new SmtpTransports(options.allowPrivateTargets);
  return {
    name: "email",
    resolve(record: WebhookRecord & { deleted_at?: number | null }) {
      const settings = decryptEmailSettings(cipher, record.target_config);
      const target: ResolvedEmail = {
        ...targetBase("email", record),
        settings,
        subject: compileTemplate(settings.subject),
      };
      return { target, validUntil: Number.POSITIVE_INFINITY };
    },
    async exchange(target: ResolvedEmail, event: EventRecord): Promise<Exchange> {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      const { settings } = target;
      const envelope = envelopeOf(event);
      const scope = { ...envelope, data: envelope.data ?? {} };
      const text = emailText(scope);
      const request: AttemptRequest = {
        method: "SMTP",
        url: `${settings.smtp.security === "tls" ? "smtps" : "smtp"}://${settings.smtp.host}:${settings.smtp.port}`,
        headers: {
          from: settings.from,
          to: settings.to.join(", "),
          ...(settings.cc.length > 0 ? { cc: settings.cc.join(", ") } : {}),
          // The same Message-ID on every attempt, so a retry after a lost reply can be deduped.
          "message-id": `<${event.id}.${target.id}@switchboard>`,
        },
        body: text,
      };
      const compiled = target.subject;
      let subject: string;
      try {
        if (!compiled.ok || compiled.template.kind !== "text")
          throw new Error("the subject template does not compile");
        subject = subjectLine(renderText(compiled.template, scope));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { request, result: failure("render", `subject: ${message}`, 0) };
      }
      request.headers.subject = subject;
      let address: string;
      try {
        address = await transports.address(settings.smtp.host);
      } catch (error) {
        const { kind, message } = classifyError(error);
        return { request, result: failure(kind, message, elapsed()) };
      }
      try {
        const info = await transports.transport(target, address).sendMail({
          from: settings.from,
          to: settings.to,
          cc: settings.cc,
          subject,
          text,
          messageId: request.headers["message-id"],
          headers: { "X-Switchboard-Event-Id": event.id, "X-Switchboard-Event-Type": event.type },
          attachments: [
            { filename: "event.json", content: envelopeJson(event), contentType: "application/json" },
          ],
        });
        const reply = String(info.response ?? "");
        const rejected = (info.rejected ?? []).map(String);
        return {
          request,
          result: {
            status: smtpReplyCode(reply) ?? 250,
            headers: {
              "message-id": String(info.messageId ?? request.headers["message-id"]),
              ...(rejected.length > 0 ? { rejected: rejected.join(", ") } : {}),
            },
            body: reply,
            errorKind: null,
            errorMessage: null,
            durationMs: elapsed(),
          },
        };
      } catch (error) {
        return { request, result: smtpFailure(error, elapsed(), () => transports.discard(target.id)) };
      }
    },
    async close() {
      transports.close();
    },
  };
}

function failure(kind: string, message: string, durationMs: number): Exchange["result"] {
  return { status: null, headers: null, body: null, errorKind: kind, errorMessage: message, durationMs };
}

/** nodemailer's error fields: an SMTP reply the server gave, or a transport error code. */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A refused message is the server's answer (its reply code is the status, retried like an HTTP
 * error); a connection that failed is an error kind like a webhook's, and its pool is dropped.
 */
function smtpFailure(error: unknown, durationMs: number, discard: () => void): Exchange["result"] {
  const smtp = error as SmtpError;
  if (typeof smtp.responseCode === "number" && smtp.responseCode >= 400) {
    return {
      status: smtp.responseCode,
      headers: null,
      body: smtp.response ?? smtp.message,
      errorKind: null,
      errorMessage: null,
      durationMs,
    };
  }
  discard();
  const message = smtp.message ?? String(error);
  if (smtp.code === "ETIMEDOUT" || /timeout|Greeting never received/i.test(message)) {
    return failure("timeout", message, durationMs);
  }
  if (/ECONNREFUSED/.test(message)) return failure("connection_refused", message, durationMs);
  if (smtp.code === "ETLS" || /certificate|TLS|SSL/i.test(message))
    return failure("tls", message, durationMs);
  if (smtp.code === "EDNS") return failure("dns", message, durationMs);
  return failure(classifyError(error).kind, message, durationMs);
}
