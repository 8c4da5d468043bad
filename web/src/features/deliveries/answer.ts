/**
 * How an attempt's answer reads. Email attempts record the SMTP reply code where webhook
 * attempts record the HTTP status (`request.method` is "SMTP" for them), so "HTTP 250" would mislead.
 */
export type Protocol = "HTTP" | "SMTP";

export const protocolOf = (request: { method: string }): Protocol =>
  request.method === "SMTP" ? "SMTP" : "HTTP";

/** "HTTP 200", "SMTP 250". */
export const answerText = (protocol: Protocol, code: number): string => `${protocol} ${code}`;
