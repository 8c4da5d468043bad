import type { EventRecord, WebhookRecord } from "../store/index.js";
import type { Exchange, ResolvedTarget, TargetKind } from "./kind.js";

/**
 * The target kinds this process sends to, and their resolved targets cached per version: a
 * target is decrypted once per `updated_at` (and again when its `validUntil` passes), not once
 * per attempt.
 */
export class Targets {
  private readonly kinds = new Map<string, TargetKind>();
  private readonly cache = new Map<string, { target: ResolvedTarget; validUntil: number }>();

  constructor(kinds: TargetKind[]) {
    for (const kind of kinds) this.kinds.set(kind.name, kind);
  }

  private kindOf(name: string): TargetKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`no target kind "${name}" in this process`);
    return kind;
  }

  resolve(record: WebhookRecord & { deleted_at?: number | null }, now: number): ResolvedTarget {
    const cached = this.cache.get(record.id);
    if (cached && cached.target.updated_at === record.updated_at && now < cached.validUntil) {
      return cached.target;
    }
    const resolved = this.kindOf(record.kind).resolve(record, now);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(record.id, resolved);
    return resolved.target;
  }

  exchange(target: ResolvedTarget, event: EventRecord, startedAt: number): Promise<Exchange> {
    return this.kindOf(target.kind).exchange(target, event, startedAt);
  }

  async close(): Promise<void> {
    await Promise.all([...this.kinds.values()].map((kind) => kind.close()));
  }
}
