import { DomainError, invalid, notFound } from "../domain/errors.js";
import { caseEvents, clientEvents, type RecordEvent } from "../domain/records/events.js";
import { clientMergedEvent, mergeClients } from "../domain/records/merge.js";
import type { CaseRecord, ClientDuplicate, ClientRecord, Store } from "../store/index.js";
import type { RecordWriter } from "./writer.js";

/** How many other clients a duplicate check reports at most. */
export const MAX_DUPLICATES = 50;

/** How many times a merge re-reads and retries after another write slipped in between. */
const RACE_RETRIES = 3;

/** Cases read per page while collecting a source's cases. */
const CASE_PAGE = 200;

/**
 * Duplicate clients: which clients share a phone or email with one, and merging several into one
 * — cases moved, contacts and ids united, sources deleted — with every event in one transaction.
 */
export class ClientMerges {
  constructor(
    private readonly store: Store,
    private readonly writer: RecordWriter,
  ) {}

  /** The tenant's other clients sharing a number or address with `client`, newest first. */
  possibleDuplicates(tenantId: string, client: ClientRecord): Promise<ClientDuplicate[]> {
    return this.store.clientMerges.duplicates(tenantId, client, MAX_DUPLICATES);
  }

  async duplicatesOf(tenantId: string, id: string): Promise<ClientDuplicate[]> {
    const client = await this.store.clients.get(tenantId, id);
    if (!client) throw notFound("client");
    return this.possibleDuplicates(tenantId, client);
  }

  /**
   * Merges the clients `from` into `targetId` and answers the target as written. `ifMatch` is the
   * target's version the caller read (412 when it moved on). `path` is where `from` sits in the
   * request, for 422s.
   */
  async merge(
    tenantId: string,
    targetId: string,
    from: string[],
    ifMatch: number | undefined,
    changeSource: string,
    path = "/body/from",
  ): Promise<ClientRecord> {
    from.forEach((id, i) => {
      if (id === targetId) throw invalid(`${path}/${i}`, "a client cannot be merged into itself");
      if (from.indexOf(id) !== i) throw invalid(`${path}/${i}`, `${id} is listed twice`);
    });
    for (let attempt = 0; ; attempt++) {
      const target = await this.store.clients.get(tenantId, targetId);
      if (!target) throw notFound("client");
      if (ifMatch !== undefined && target.version !== ifMatch) {
        throw new DomainError(
          "precondition_failed",
          `the client has changed: its version is now ${target.version}`,
          {
            version: target.version,
          },
        );
      }
      const sources: ClientRecord[] = [];
      for (const id of from) {
        const source = await this.store.clients.get(tenantId, id);
        if (!source) throw notFound(`client ${id}`, { id });
        sources.push(source);
      }
      const decision = mergeClients(
        { id: target.id, fields: target },
        sources.map((s) => ({ id: s.id, fields: s, updated_at: s.updated_at })),
      );
      if (!decision.ok) {
        const names = decision.conflicts.map((c) => c.connection).join(", ");
        throw new DomainError("conflict", `the clients have different external ids on ${names}`, {
          conflicts: decision.conflicts,
        });
      }
      const now = Date.now();
      const next: ClientRecord = {
        ...target,
        ...decision.fields,
        version: target.version + 1,
        updated_at: now,
      };
      const moves = (await this.casesOf(tenantId, from)).map((record) => ({
        before: record,
        record: { ...record, client_id: targetId, version: record.version + 1, updated_at: now },
      }));
      const events: RecordEvent[] = [
        ...moves.flatMap(({ before, record }) =>
          caseEvents({
            id: record.id,
            before,
            after: record,
            version: record.version,
            at: now,
            changeSource,
          }),
        ),
        ...clientEvents({
          id: targetId,
          before: target,
          after: next,
          version: next.version,
          at: now,
          changeSource,
        }),
        clientMergedEvent({
          targetId,
          mergedIds: from,
          fields: next,
          version: next.version,
          at: now,
          changeSource,
        }),
      ];
      const written = await this.writer.withEvents(tenantId, events, now, (outbox) =>
        this.store.clientMerges.merge(
          {
            target: next,
            expectedVersion: target.version,
            sources: sources.map((s) => ({ id: s.id, version: s.version })),
            cases: moves.map(({ before, record }) => ({ record, expectedVersion: before.version })),
          },
          outbox,
        ),
      );
      if (written) return next;
      if (attempt >= RACE_RETRIES)
        throw new DomainError("conflict", "the clients are being changed by others; try again");
    }
  }

  /** Every undeleted case of the given clients. */
  private async casesOf(tenantId: string, clientIds: string[]): Promise<CaseRecord[]> {
    const cases: CaseRecord[] = [];
    for (const clientId of clientIds) {
      let cursor: string | undefined;
      do {
        const page = await this.store.cases.list(tenantId, { clientId, limit: CASE_PAGE, cursor });
        cases.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }
    return cases;
  }
}
