/** The largest multi-row statement: 20 columns × 256 rows stays under both dialects' parameter limits. */
export const MAX_CHUNK = 256;

/**
 * Splits rows for multi-row statements (`values (…), (…)`, `in (…)`) into slices whose lengths
 * are powers of two, largest first: 300 rows go as 256 + 32 + 8 + 4. A statement's text depends
 * on its row count and SQLite keeps one prepared statement per text; with any length allowed, the
 * cache held hundreds of them (218 MiB for 500 lengths of a 19-column insert). This way each kind
 * of statement has at most nine shapes, at the cost of a few more statements per batch.
 */
export function* chunks<T>(rows: readonly T[], max = MAX_CHUNK): Generator<T[]> {
  let size = max;
  for (let i = 0; i < rows.length; i += size) {
    while (size > rows.length - i) size >>= 1;
    yield rows.slice(i, i + size);
  }
}
