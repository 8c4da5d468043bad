import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * SQL text kept prepared, in characters. A prepared statement costs about three times its text
 * in memory (a 256-row insert is ~15 k characters); the hot paths use a few dozen texts, since
 * multi-row statements come in power-of-two sizes (store/chunks.ts).
 */
const MAX_CACHED_TEXT = 1_000_000;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing was 10 % of the server's CPU in
 * the throughput benchmark. This keeps statements prepared by their SQL text, least recently
 * used dropped first once the texts add up to the bound.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  let cachedText = 0;
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        statements.delete(sql);
        statements.set(sql, statement);
        return statement;
      }
      statement = database.prepare(sql) as unknown as SqliteStatement;
      if (sql.length > MAX_CACHED_TEXT / 10) return statement;
      statements.set(sql, statement);
      cachedText += sql.length;
      for (const oldest of statements.keys()) {
        if (cachedText <= MAX_CACHED_TEXT) break;
        statements.delete(oldest);
        cachedText -= oldest.length;
      }
      return statement;
    },
  };
}
