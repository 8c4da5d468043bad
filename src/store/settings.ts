import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { SettingRepository } from "./store.js";

export function settingRepository(db: Kysely<Database>): SettingRepository {
  const get = async (name: string): Promise<string | null> => {
    const row = await db.selectFrom("settings").select("value").where("name", "=", name).executeTakeFirst();
    return row?.value ?? null;
  };
  return {
    get,
    async setIfAbsent(name, value) {
      await db
        .insertInto("settings")
        .values({ name, value })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      return (await get(name)) ?? value;
    },
    async set(name, value) {
      await db
        .insertInto("settings")
        .values({ name, value })
        .onConflict((oc) => oc.column("name").doUpdateSet({ value }))
        .execute();
    },
  };
}
