import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type FakeAnswer,
  type FakeOptions,
  type FakeRequest,
  FIRST_NAMES,
  json,
  LAST_NAMES,
  type RunningFake,
  seeded,
  serveFake,
  text,
} from "./shared.js";
import { caseInfo, DAY_MS, SMARTADVOCATE_CASE_TYPES, SmartAdvocateRecords } from "./smartadvocate-records.js";

/**
 * A local SmartAdvocate CaseSync API: `Users/authenticate` → a signed JWT with `exp`, `case/CaseInfo`
 * in the documented shape, and the intake post with its 3-day dedupe (same email or phone as a case
 * created in the last 3 days answers that case's number). The other endpoints and the extra CaseInfo
 * keys are the guesses in src/integrations/crm/smartadvocate/guesses.ts; keep the two in step.
 */

export {
  SMARTADVOCATE_CASE_TYPES,
  SMARTADVOCATE_STATUSES,
  SMARTADVOCATE_UDFS,
  type SmartAdvocateCase,
  SmartAdvocateRecords,
} from "./smartadvocate-records.js";

function error(status: number, message: string, code?: number): FakeAnswer {
  return json(status, code === undefined ? { message } : { errorCode: code, message });
}

export interface SmartAdvocateFake extends RunningFake<SmartAdvocateRecords> {
  /** Lifetime of the tokens issued from now on. */
  tokenTtlSeconds: number;
  /** Every token issued so far stops working (a server restart, a revoked session). */
  expireTokens(): void;
  /** The integration user's password changes (and old tokens stop working). */
  changePassword(password: string): void;
  /** Logins answered so far. */
  readonly logins: number;
}

export async function startSmartAdvocateFake(
  options: FakeOptions & { tokenTtlSeconds?: number } = {},
): Promise<SmartAdvocateFake> {
  const credentials = { username: "switchboard", password: `pw-${randomBytes(9).toString("base64url")}` };
  const secret = randomBytes(32);
  let generation = 1;
  let logins = 0;
  const records = new SmartAdvocateRecords();
  const random = seeded(7);
  for (let i = 0; i < (options.seed ?? 0); i++) {
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] ?? "Ana";
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)] ?? "Alvarez";
    records.seed(
      {
        "first name": first,
        "last name": last,
        phone: `555${String(2_000_000 + i).slice(-7)}`,
        email: `${first}.${last}.${i}@example.net`.toLowerCase(),
      },
      {
        caseType: SMARTADVOCATE_CASE_TYPES[i % SMARTADVOCATE_CASE_TYPES.length],
        // Seeded cases are older than the dedupe window, so a new intake never collides with them.
        createdDate: new Date(Date.now() - 30 * DAY_MS + i * 1000).toISOString(),
      },
    );
  }

  const sign = (input: string) => createHmac("sha256", secret).update(input).digest("base64url");
  const issue = (userId: number): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({
        id: String(userId),
        gen: generation,
        nbf: now,
        iat: now,
        exp: now + fake.tokenTtlSeconds,
        iss: "SmartAdvocateFake",
      }),
    ).toString("base64url");
    return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
  };
  const verify = (authorization: string | undefined): boolean => {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : null;
    const [header, payload, signature] = token?.split(".") ?? [];
    if (!header || !payload || !signature) return false;
    const expected = Buffer.from(sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        exp?: unknown;
        gen?: unknown;
      };
      return claims.gen === generation && typeof claims.exp === "number" && claims.exp * 1000 > Date.now();
    } catch {
      return false;
    }
  };

  const body = (request: FakeRequest): Record<string, unknown> | null => {
    try {
      const parsed: unknown = JSON.parse(request.body);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  };
  const strings = (input: Record<string, unknown>): Record<string, string | null> =>
    Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
    );

  const handle = (request: FakeRequest): FakeAnswer => {
    const path = request.url.pathname;
    const q = request.url.searchParams;
    if (request.method === "POST" && path === "/CaseSyncAPI/Users/authenticate") {
      const login = body(request);
      // ASP.NET's JWT template answers a failed login 400 with this message.
      if (login?.Username !== credentials.username || login?.Password !== credentials.password) {
        return error(400, "Username or password is incorrect");
      }
      logins += 1;
      return json(200, { username: credentials.username, userID: 677, token: issue(677) });
    }
    if (!path.startsWith("/CaseSyncAPI/")) return error(404, "Not Found");
    if (!verify(request.headers.authorization)) return text(401, "");

    if (request.method === "GET" && path === "/CaseSyncAPI/case/CaseInfo") {
      const wanted = q.get("Casenumber") ?? q.get("CaseNumber") ?? "";
      if (wanted.endsWith("%")) {
        const prefix = wanted.slice(0, -1);
        return json(
          200,
          [...records.cases.values()]
            .filter((c) => c.caseNumber.startsWith(prefix))
            .slice(0, 100)
            .map(caseInfo),
        );
      }
      const found = records.cases.get(wanted);
      return json(200, found ? [caseInfo(found)] : []);
    }
    if (request.method === "GET" && path === "/CaseSyncAPI/case/search") {
      const found = records.search({
        id: q.get("Id") ?? undefined,
        phone: q.get("phone") ?? undefined,
        email: q.get("email") ?? undefined,
      });
      return json(200, found.map(caseInfo));
    }
    if (request.method === "GET" && path === "/CaseSyncAPI/case/modified") {
      const from = q.get("FromDate") ? Date.parse(q.get("FromDate") ?? "") : 0;
      if (Number.isNaN(from)) return error(400, "FromDate is not a valid date");
      const pageNumber = Number(q.get("PageNumber") ?? "1");
      const pageSize = Math.min(500, Number(q.get("PageSize") ?? "100"));
      if (!Number.isInteger(pageNumber) || pageNumber < 1 || !Number.isInteger(pageSize) || pageSize < 1) {
        return error(400, "PageNumber and PageSize must be positive integers");
      }
      const all = records.modifiedSince(from);
      const slice = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return json(200, { cases: slice.map(caseInfo), totalCount: all.length });
    }
    if (request.method === "GET" && path === "/CaseSyncAPI/case/caseTypes") {
      return json(
        200,
        records.caseTypes.map((caseType, i) => ({ caseTypeID: 1200 + i, caseType })),
      );
    }
    if (request.method === "GET" && path === "/CaseSyncAPI/case/statuses") {
      return json(
        200,
        records.statuses.map((s, i) => ({
          caseStatusID: 800 + i,
          caseStatus: s.caseStatus,
          secondStatuses: s.secondStatuses.map((statusName, j) => ({
            statusID: 900 + i * 10 + j,
            statusName,
          })),
        })),
      );
    }
    if (request.method === "GET" && path === "/CaseSyncAPI/case/udfs") return json(200, records.udfs);

    if (request.method === "POST" && path === "/CaseSyncAPI/case/intake") {
      const input = body(request);
      if (!input) return error(400, "The request body must be a JSON object", 1);
      const fields = strings(input);
      const caseType = fields.CaseType ?? undefined;
      if (!fields["first name"] || !fields["last name"])
        return error(400, "first name and last name are required", 2);
      if (caseType && !records.caseTypes.includes(caseType))
        return error(400, `Invalid CaseType: ${caseType}`, 3);
      const duplicate = records.duplicateOf(fields.phone ?? undefined, fields.email ?? undefined, Date.now());
      if (duplicate) return text(200, duplicate.caseNumber);
      const { CaseType: _type, Id: intakeId, ...rest } = fields;
      // Plaintiff fields and UDFs land in their places; the rest (documented extras or not) in the facts.
      const posted: Record<string, string> = {};
      for (const [name, value] of Object.entries(rest)) if (value !== null) posted[name] = value;
      const created = records.seed(posted, { caseType, intakeId: intakeId ?? null });
      return text(200, created.caseNumber);
    }
    const update = /^\/CaseSyncAPI\/case\/(\d+)$/.exec(path);
    if (request.method === "PUT" && update) {
      const record = records.byId(Number(update[1]));
      if (!record) return error(404, `Case ${update[1]} not found`);
      const input = body(request);
      if (!input) return error(400, "The request body must be a JSON object", 1);
      const { CaseType: caseType, caseStatus, secondStatus, Id: intakeId, ...fields } = strings(input);
      if (caseType && !records.caseTypes.includes(caseType))
        return error(400, `Invalid CaseType: ${caseType}`, 3);
      const status = caseStatus ? records.statuses.find((s) => s.caseStatus === caseStatus) : undefined;
      if (caseStatus && !status) return error(400, `Invalid case status: ${caseStatus}`, 4);
      const of = status ?? records.statuses.find((s) => s.caseStatus === record.caseStatus);
      if (secondStatus && !of?.secondStatuses.includes(secondStatus)) {
        return error(400, `Invalid second status: ${secondStatus}`, 5);
      }
      if (fields["first name"] === null || fields["last name"] === null) {
        return error(400, "first name and last name are required", 2);
      }
      if (caseType) {
        record.caseType = caseType;
        record.caseTypeID = 1200 + records.caseTypes.indexOf(caseType);
      }
      if (status && status.caseStatus !== record.caseStatus) {
        record.caseStatus = status.caseStatus;
        record.caseStatusID = 800 + records.statuses.indexOf(status);
        record.caseStatusFrom = new Date().toISOString();
      }
      if (secondStatus) records.setSecondStatus(record, secondStatus);
      if (intakeId) records.setIntakeId(record, intakeId);
      records.apply(record, fields);
      return json(200, caseInfo(record));
    }
    return error(404, "Not Found");
  };

  const served = await serveFake(options, handle, (retryAfterS) =>
    json(429, { message: "API calls quota exceeded" }, { "retry-after": String(retryAfterS) }),
  );
  const fake: SmartAdvocateFake = {
    ...served,
    credentials,
    records,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    expireTokens() {
      generation += 1;
    },
    changePassword(password) {
      credentials.password = password;
      generation += 1;
    },
    get logins() {
      return logins;
    },
  };
  return fake;
}
