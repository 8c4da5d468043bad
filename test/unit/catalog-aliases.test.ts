import { describe, expect, it } from "vitest";
import {
  categoryAliases,
  eventAliasTable,
  eventCatalog,
  eventCategories,
  eventTypeAliases,
  findEventType,
  resolveEventSelector,
  resolveEventType,
} from "../../src/domain/catalog/index.js";

describe("event type aliases", () => {
  it("resolves the platforms' names named in issue 19 to the catalog's types", () => {
    const expected: Record<string, string> = {
      "call.completed": "call.ended",
      call_completed: "call.ended",
      "sms.received": "message.received",
      sms_received: "message.received",
      "conversation.transcript": "transcript.updated",
      call_started: "call.started",
      call_ended: "call.ended",
      transfer_initiated: "transfer.started",
      "transfer.initiated": "transfer.started",
      form_submitted: "form.submitted",
    };
    for (const [alias, type] of Object.entries(expected)) {
      expect(resolveEventType(alias)?.name, alias).toBe(type);
    }
  });

  it("gives every catalog type its underscore-style alias", () => {
    for (const definition of eventCatalog) {
      const underscore = definition.name.replace(/\./g, "_");
      expect(eventTypeAliases(definition.name)).toContain(underscore);
      expect(resolveEventType(underscore)?.name).toBe(definition.name);
    }
  });

  it("resolves every alias of every type back to that type", () => {
    let count = 0;
    for (const definition of eventCatalog) {
      for (const alias of eventTypeAliases(definition.name)) {
        expect(resolveEventType(alias)?.name, alias).toBe(definition.name);
        count++;
      }
    }
    expect(count).toBe(eventAliasTable().length);
  });

  it("never lets an alias collide with a canonical name or name two types", () => {
    const seen = new Map<string, string>();
    for (const { alias, type } of eventAliasTable()) {
      expect(findEventType(alias), alias).toBeUndefined();
      expect(seen.get(alias) ?? type, alias).toBe(type);
      seen.set(alias, type);
    }
    const categories = new Set(eventCategories());
    for (const [alias, category] of Object.entries(categoryAliases())) {
      expect(categories.has(alias), alias).toBe(false);
      expect(categories.has(category), category).toBe(true);
    }
  });

  it("resolves a canonical name to itself and leaves unknown names unresolved", () => {
    expect(resolveEventType("call.ended")?.name).toBe("call.ended");
    expect(resolveEventType("call.endedd")).toBeUndefined();
    expect(resolveEventType("")).toBeUndefined();
    expect(resolveEventType("CALL_ENDED")).toBeUndefined();
    // Object prototype names are not aliases.
    expect(resolveEventType("constructor")).toBeUndefined();
    expect(eventTypeAliases("no.such")).toEqual([]);
  });

  it("resolves subscription selectors: types, aliases and wildcards", () => {
    expect(resolveEventSelector("*")).toBe("*");
    expect(resolveEventSelector("call.*")).toBe("call.*");
    expect(resolveEventSelector("call_*")).toBe("call.*");
    expect(resolveEventSelector("sms.*")).toBe("message.*");
    expect(resolveEventSelector("sms_*")).toBe("message.*");
    expect(resolveEventSelector("call_ended")).toBe("call.ended");
    expect(resolveEventSelector("sms.received")).toBe("message.received");
    expect(resolveEventSelector("message.sent")).toBe("message.sent");
    expect(resolveEventSelector("nope.*")).toBeUndefined();
    expect(resolveEventSelector("constructor.*")).toBeUndefined();
    expect(resolveEventSelector(".*")).toBeUndefined();
    expect(resolveEventSelector("call.nope")).toBeUndefined();
  });
});
