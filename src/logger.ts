import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/** Paths that could carry credentials are censored wherever they appear in a log line. */
const REDACT = [
  "req.headers.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "*.secret",
  "*.previous_secret",
  "*.signing_key",
  "*.key",
  "*.token",
  "*.password",
  "*.app_key",
  "*.auth",
];

export function createLogger(config: Pick<Config, "logLevel" | "nodeId">): Logger {
  return pino({
    level: config.logLevel,
    base: { node: config.nodeId },
    redact: { paths: REDACT, censor: "[redacted]" },
  });
}
