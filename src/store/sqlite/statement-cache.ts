import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Distinct SQL texts kept prepared; the hot paths use a few dozen. */
const MAX_STATEMENTS = 500;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing was 10 % of the server's CPU in
 * the throughput benchmark. This keeps statements prepared by their SQL text (multi-row inserts
 * of different sizes are different texts, hence the bound; the oldest are dropped first).
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= MAX_STATEMENTS) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
