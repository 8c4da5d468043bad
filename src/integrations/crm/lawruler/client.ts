import type { ConnectorContext } from "../connector.js";
import { CrmError } from "../connector.js";
import { type CrmHttpResponse, joinUrl, parseJson, send } from "../http.js";
import { ENDPOINT_PATH, KEY_FIELD, LEAD_ID_FIELD, OPERATIONS } from "./guesses.js";

/**
 * LawRuler's HTTP API: one endpoint per portal, every call a URL-encoded form POST carrying the
 * portal's security key (which is redacted from every reported exchange).
 */
export class LawRulerClient {
  constructor(private readonly context: ConnectorContext) {}

  private get key(): string {
    const key = this.context.credentials.api_key;
    if (!key) throw new CrmError("auth", "the LawRuler connection has no security key");
    return key;
  }

  /** One form post; JSON answers (`ReturnJSON=True`) parsed, failures in LawRuler's own words. */
  async post(form: Record<string, string>): Promise<unknown> {
    const body = new URLSearchParams({ ...form, ReturnJSON: "True", [KEY_FIELD]: this.key }).toString();
    const response = await send(
      this.context,
      {
        method: "POST",
        url: joinUrl(this.context.baseUrl, ENDPOINT_PATH),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        secrets: { form: [KEY_FIELD], query: [KEY_FIELD] },
      },
      { vendorMessage: lawRulerMessage },
    );
    const answer = parseJson(response);
    // LawRuler may answer 200 with `Success: false`: a refusal all the same.
    if (answer && typeof answer === "object" && (answer as { Success?: unknown }).Success === false) {
      const message = lawRulerMessage(response) ?? "LawRuler refused the request";
      throw new CrmError("validation", `LawRuler refused the request: ${message}`, {
        status: response.status,
        vendorMessage: message,
      });
    }
    return answer;
  }

  createLead(form: Record<string, string>): Promise<unknown> {
    return this.post(form);
  }

  updateLead(leadId: string, form: Record<string, string>): Promise<unknown> {
    return this.post({ ...form, [LEAD_ID_FIELD]: leadId, overridelead: "true" });
  }

  getStatus(leadId: string): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.getStatus, [LEAD_ID_FIELD]: leadId });
  }

  getLead(leadId: string): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.getLead, [LEAD_ID_FIELD]: leadId });
  }

  search(criteria: Record<string, string>): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.search, ...criteria });
  }

  caseTypes(): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.caseTypes });
  }

  statuses(): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.statuses });
  }

  customFields(): Promise<unknown> {
    return this.post({ Operation: OPERATIONS.customFields });
  }
}

/** LawRuler's words: `Message` of a JSON answer, else the text (it also answers plain text). */
function lawRulerMessage(response: CrmHttpResponse): string | null {
  const text = response.body.trim();
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { Message?: unknown; message?: unknown };
    const message = parsed.Message ?? parsed.message;
    if (typeof message === "string" && message.trim()) return message.trim();
  } catch {
    // plain text
  }
  return text.startsWith("<") ? null : text.slice(0, 500);
}
