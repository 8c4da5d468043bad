/**
 * `filters.match`: a MongoDB-style query over the delivery envelope
 * (`{"data.lead_score": {"$in": ["hot", "warm"]}, "data.duration": {"$gte": 60}}`), evaluated by
 * sift with an allow-list of operators: nothing that runs code (`$where`, `$function`,
 * `$accumulator`, `$expr`) can be stored or evaluated. Validated on save, compiled once per
 * webhook version.
 *
 * `$regex` runs on RE2 (linear time in the input, no backreferences or lookaround), never on V8's
 * backtracking engine: one tenant's pattern such as `(a|a)+$` must not stall every tenant.
 */
import RE2 from "re2";
import sift from "sift";

/** What a match query sees: the delivery envelope plus the routing fields. */
export interface MatchEnvelope {
  id?: string;
  event: string;
  timestamp?: string;
  campaign_id: string | null;
  case_type: string | null;
  data: Record<string, unknown>;
}

export type EventMatcher = (envelope: MatchEnvelope) => boolean;

export interface MatchQueryProblem {
  /** JSON-pointer-style path inside the query, e.g. `/data.duration/$gte`. */
  path: string;
  message: string;
}

/** The RE2 flags a `$options` may carry (RE2 always matches Unicode code points). */
function compileRegex(pattern: string, options: unknown): RE2 {
  return new RE2(pattern, typeof options === "string" ? options.replace(/u/g, "") : "");
}

/** sift's `$regex`, compiled with RE2 instead of `RegExp`. */
const linearRegex: typeof sift.$regex = (pattern, ownerQuery, options) => {
  const re = compileRegex(String(pattern), ownerQuery.$options);
  return sift.createEqualsOperation(
    (value: unknown) => typeof value === "string" && re.test(value),
    ownerQuery,
    options,
  );
};

/** The operators a stored query may use (sift's implementations, by name). */
const OPERATORS = {
  $eq: sift.$eq,
  $ne: sift.$ne,
  $gt: sift.$gt,
  $gte: sift.$gte,
  $lt: sift.$lt,
  $lte: sift.$lte,
  $in: sift.$in,
  $nin: sift.$nin,
  $all: sift.$all,
  $exists: sift.$exists,
  $size: sift.$size,
  $mod: sift.$mod,
  $regex: linearRegex,
  $options: sift.$options,
  $type: sift.$type,
  $elemMatch: sift.$elemMatch,
  $not: sift.$not,
  $and: sift.$and,
  $or: sift.$or,
  $nor: sift.$nor,
};

export const MATCH_OPERATORS: readonly string[] = Object.freeze(Object.keys(OPERATORS));

const TYPE_ALIASES = new Set(["number", "string", "bool", "array", "null", "timestamp"]);
const MAX_DEPTH = 10;
const MAX_REGEX_LENGTH = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function checkOperator(
  name: string,
  operand: unknown,
  parent: Record<string, unknown>,
  path: string,
  depth: number,
): MatchQueryProblem | null {
  if (!Object.hasOwn(OPERATORS, name)) {
    return {
      path,
      message: `operator ${name} is not supported (allowed: ${MATCH_OPERATORS.join(", ")})`,
    };
  }
  switch (name) {
    case "$in":
    case "$nin":
    case "$all":
      return Array.isArray(operand)
        ? checkValues(operand, path, depth)
        : { path, message: `${name} takes an array` };
    case "$and":
    case "$or":
    case "$nor":
      if (!Array.isArray(operand) || operand.length === 0) {
        return { path, message: `${name} takes a non-empty array of queries` };
      }
      for (const [i, item] of operand.entries()) {
        if (!isRecord(item)) return { path: `${path}/${i}`, message: "must be a query object" };
        const problem = checkQuery(item, `${path}/${i}`, depth + 1);
        if (problem) return problem;
      }
      return null;
    case "$exists":
      return typeof operand === "boolean" ? null : { path, message: "$exists takes true or false" };
    case "$size":
      return Number.isInteger(operand) && (operand as number) >= 0
        ? null
        : { path, message: "$size takes a non-negative integer" };
    case "$mod":
      return Array.isArray(operand) &&
        operand.length === 2 &&
        operand.every((n) => typeof n === "number") &&
        operand[0] !== 0
        ? null
        : { path, message: "$mod takes [divisor, remainder] with a non-zero divisor" };
    case "$type":
      return typeof operand === "string" && TYPE_ALIASES.has(operand)
        ? null
        : { path, message: `$type takes one of ${[...TYPE_ALIASES].join(", ")}` };
    case "$options":
      if (!Object.hasOwn(parent, "$regex"))
        return { path, message: "$options is only allowed next to $regex" };
      return typeof operand === "string" && /^[imsu]*$/.test(operand)
        ? null
        : { path, message: "$options takes flags from i, m, s, u" };
    case "$regex":
      return checkRegex(operand, parent.$options, path);
    case "$not":
    case "$elemMatch":
      return isRecord(operand)
        ? checkQuery(operand, path, depth + 1)
        : { path, message: `${name} takes a query object` };
    default:
      return checkValues([operand], path, depth);
  }
}

function checkRegex(pattern: unknown, options: unknown, path: string): MatchQueryProblem | null {
  if (typeof pattern !== "string") return { path, message: "$regex takes a string" };
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { path, message: `$regex is longer than ${MAX_REGEX_LENGTH} characters` };
  }
  try {
    compileRegex(pattern, options);
  } catch (error) {
    return {
      path,
      message: `$regex is not a valid RE2 regular expression (no backreferences or lookaround): ${(error as Error).message}`,
    };
  }
  return null;
}

/** Plain operand values (no operators inside: objects are compared as they are). */
function checkValues(values: unknown[], path: string, depth: number): MatchQueryProblem | null {
  if (depth > MAX_DEPTH) return { path, message: `query nests deeper than ${MAX_DEPTH} levels` };
  for (const value of values) {
    if (Array.isArray(value)) {
      const problem = checkValues(value, path, depth + 1);
      if (problem) return problem;
    } else if (isRecord(value)) {
      const operator = Object.keys(value).find((key) => key.startsWith("$"));
      if (operator)
        return {
          path: `${path}/${escapeSegment(operator)}`,
          message: `operator ${operator} is not allowed in a value`,
        };
      const problem = checkValues(Object.values(value), path, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}

function checkQuery(query: Record<string, unknown>, path: string, depth: number): MatchQueryProblem | null {
  if (depth > MAX_DEPTH) return { path, message: `query nests deeper than ${MAX_DEPTH} levels` };
  for (const [key, value] of Object.entries(query)) {
    const at = `${path}/${escapeSegment(key)}`;
    if (key.startsWith("$")) {
      const problem = checkOperator(key, value, query, at, depth);
      if (problem) return problem;
    } else if (key === "" || key.split(".").some((part) => part === "")) {
      return { path: at, message: "is not a valid field path" };
    } else if (isRecord(value) && Object.keys(value).some((k) => k.startsWith("$"))) {
      const plain = Object.keys(value).find((k) => !k.startsWith("$"));
      if (plain !== undefined) {
        return { path: at, message: "mixes operators and plain fields; use one or the other" };
      }
      const problem = checkQuery(value, at, depth + 1);
      if (problem) return problem;
    } else {
      const problem = checkValues([value], at, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}

function createMatcher(query: Record<string, unknown>): EventMatcher {
  return sift.createQueryTester(query, { operations: OPERATORS }) as EventMatcher;
}

/**
 * Whether a stored `filters.match` is acceptable: only allow-listed operators, well-formed
 * operands, safe regular expressions. Returns the first problem, or null.
 */
export function validateMatchQuery(query: unknown): MatchQueryProblem | null {
  if (!isRecord(query)) return { path: "", message: "must be an object" };
  const problem = checkQuery(query, "", 0);
  if (problem) return problem;
  try {
    createMatcher(query);
  } catch (error) {
    return { path: "", message: (error as Error).message };
  }
  return null;
}

/**
 * Compiles a match query. A query that fails validation (stored before a rule existed) yields a
 * matcher that admits nothing, so a broken filter never widens what a webhook receives.
 */
export function compileMatch(query: Record<string, unknown>): EventMatcher {
  if (validateMatchQuery(query) !== null) return () => false;
  const test = createMatcher(query);
  return (envelope) => {
    try {
      return test(envelope);
    } catch {
      return false;
    }
  };
}

const MAX_CACHED = 2_000;
const cache = new Map<string, EventMatcher>();

/**
 * The compiled matcher of one webhook version, compiled on first use. `key` must change whenever
 * the query does (webhook id + `updated_at`).
 */
export function cachedMatcher(key: string, query: Record<string, unknown>): EventMatcher {
  const hit = cache.get(key);
  if (hit) return hit;
  const matcher = compileMatch(query);
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, matcher);
  return matcher;
}
