import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { cleanHeaders, type MappedColumn } from "../../domain/records/import-columns.js";
import type { ImportCell, RowProblem } from "../../domain/records/import-rows.js";

/**
 * Reading an import file row by row, in constant memory: CSV through csv-parse's streaming parser
 * (quoting, embedded newlines and byte-order marks are its business), JSON Lines one line at a
 * time. Rows are numbered from 1 after the header, blank lines not counted.
 */

export type ImportFormat = "csv" | "jsonl";

export type FileRow = { row: number; cells: ImportCell[] } | { row: number; problem: RowProblem };

/** What the whole file holds, read once before the import is accepted. */
export interface FileScan {
  headers: string[];
  rows: number;
}

/** The file cannot be read at all (a CSV quoting error, a repeated header): answered 422. */
export class UnreadableFile extends Error {}

/** Slices fed to the parser: it then holds one slice and its records, never the whole file. */
const SLICE = 64 * 1024;

function* slices(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += SLICE) yield text.slice(at, at + SLICE);
}

async function* csvRecords(text: string): AsyncGenerator<string[]> {
  const parser = Readable.from(slices(text), { objectMode: false }).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
  );
  try {
    for await (const record of parser) yield record as string[];
  } catch (error) {
    throw new UnreadableFile(
      `the CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function* lines(text: string): Generator<string> {
  let at = text.startsWith("\uFEFF") ? 1 : 0;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).trim();
    at = end + 1;
    if (line !== "") yield line;
  }
}

/** A JSON Lines object with `custom_fields` / `external_ids` objects flattened to dotted keys. */
function jsonObject(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const flat: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (
      (key === "custom_fields" || key === "external_ids") &&
      typeof item === "object" &&
      item !== null &&
      !Array.isArray(item)
    ) {
      for (const [inner, innerValue] of Object.entries(item)) flat[`${key}.${inner}`] = innerValue;
    } else {
      flat[key] = item;
    }
  }
  return flat;
}

/**
 * Reads the whole file once: its headers (a CSV's first row; for JSON Lines every key any row
 * uses) and how many data rows it has, stopping as soon as there are more than `maxRows`.
 */
export async function scanFile(format: ImportFormat, text: string, maxRows: number): Promise<FileScan> {
  if (format === "csv") {
    let headers: string[] | null = null;
    let rows = 0;
    for await (const record of csvRecords(text)) {
      if (headers === null) {
        const cleaned = cleanHeaders(record);
        if (cleaned.problem) throw new UnreadableFile(cleaned.problem.message);
        headers = cleaned.headers;
        continue;
      }
      if (++rows > maxRows) break;
    }
    if (headers === null) throw new UnreadableFile("the file is empty: a CSV needs a header row");
    return { headers, rows };
  }
  const keys = new Set<string>();
  let rows = 0;
  for (const line of lines(text)) {
    if (++rows > maxRows) break;
    const object = jsonObject(line);
    if (typeof object !== "string") for (const key of Object.keys(object)) keys.add(key);
  }
  return { headers: [...keys], rows };
}

/** The first `count` data rows as header → value objects (the dashboard's preview). */
export async function firstRows(
  format: ImportFormat,
  text: string,
  count: number,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  if (format === "csv") {
    let headers: string[] | null = null;
    for await (const record of csvRecords(text)) {
      if (headers === null) {
        headers = cleanHeaders(record).headers;
        continue;
      }
      if (out.length >= count) break;
      const object: Record<string, unknown> = {};
      headers.forEach((header, i) => {
        if (header !== "") object[header] = record[i] ?? "";
      });
      out.push(object);
    }
    return out;
  }
  for (const line of lines(text)) {
    if (out.length >= count) break;
    const object = jsonObject(line);
    out.push(typeof object === "string" ? {} : object);
  }
  return out;
}

/** The data rows from row `from` on (1 = the first), each as its mapped cells or the problem reading it. */
export async function* readRows(
  format: ImportFormat,
  text: string,
  columns: readonly MappedColumn[],
  from = 1,
): AsyncGenerator<FileRow> {
  let row = 0;
  if (format === "csv") {
    let header = true;
    for await (const record of csvRecords(text)) {
      if (header) {
        header = false;
        continue;
      }
      if (++row < from) continue;
      yield {
        row,
        cells: columns.map((c) => ({ field: c.field, header: c.header, value: record[c.index] ?? "" })),
      };
    }
    return;
  }
  for (const line of lines(text)) {
    if (++row < from) continue;
    const object = jsonObject(line);
    if (typeof object === "string") {
      yield { row, problem: { path: "", code: "invalid_json", message: `line is ${object}` } };
      continue;
    }
    yield {
      row,
      cells: columns
        .filter((c) => c.header in object)
        .map((c) => ({ field: c.field, header: c.header, value: object[c.header] })),
    };
  }
}
