import type { Logger } from "pino";
import type { EventIngest } from "../events/ingest.js";
import { Importer, type ImportFollowUps, ImportLost } from "../records/imports/importer.js";
import type { Records } from "../records/index.js";
import type { Store } from "../store/index.js";
import { type JobKind, JobLostError, PermanentJobError } from "./kinds.js";

export const IMPORT_KIND = "import";

/** Attempts of one import: a crash or a lost database connection resumes it at its last chunk. */
export const IMPORT_MAX_ATTEMPTS = 5;

/**
 * Runs imports (POST /v1/imports). The import's own row holds where it stands, written with each
 * chunk, so the job's checkpoint is not used: a new attempt asks the import.
 */
export function importKind(
  store: Store,
  records: Records,
  ingest: EventIngest,
  log: Logger,
  followUps?: ImportFollowUps,
): JobKind {
  const importer = new Importer(store, records, ingest, log, followUps);
  return {
    async run({ job, signal }) {
      const importId = job.payload.import_id;
      if (typeof importId !== "string") throw new PermanentJobError("the job names no import");
      try {
        await importer.run(importId, { id: job.id, owner: job.lease_owner ?? "" }, signal);
      } catch (error) {
        if (error instanceof ImportLost) throw new JobLostError(error.message);
        if (job.attempts >= job.max_attempts && !signal.aborted) {
          // The last attempt: the import says so, instead of staying "running" for ever.
          const current = await store.imports.getById(importId);
          if (current) {
            const message = error instanceof Error ? error.message : String(error);
            await store.imports.saveProgress(
              importId,
              {
                ...current,
                status: "failed",
                errors: [...current.errors, { row: 0, path: "", code: "import_failed", message }].slice(
                  0,
                  1000,
                ),
              },
              Date.now(),
              true,
            );
          }
        }
        throw error;
      }
      return undefined;
    },
  };
}
