import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FilevineFake, startFilevineFake } from "../../fakes/filevine.js";
import type { ConnectorContext, CrmExchange } from "../../src/integrations/crm/connector.js";
import { CrmError } from "../../src/integrations/crm/connector.js";
import { activityDate, filevineProvider } from "../../src/integrations/crm/filevine/index.js";
import {
  createFilevineSubscription,
  filevineNotifications,
  renewFilevineSubscription,
} from "../../src/integrations/crm/filevine/subscriptions.js";
import { hasVendorSpec, OpenApiDocument } from "../helpers/openapi.js";

/**
 * Filevine-specific behaviour beyond the shared conformance suite: the PAT exchange and its
 * session, the org/user headers, the date-only change feed with its overlap, paging by HasMore,
 * and every request (and answer) held to Filevine's v2 and identity OpenAPI documents.
 */

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
afterAll(() => dispatcher.close());

let fake: FilevineFake;
beforeAll(async () => {
  fake = await startFilevineFake({ seed: 5 });
});
afterAll(() => fake.close());

function context(overrides: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    baseUrl: fake.url,
    credentials: { ...fake.credentials },
    dispatcher,
    timeoutMs: 5_000,
    ...overrides,
  };
}

const sample = (unique: number) => ({
  object: "case" as const,
  fields: {
    ProjectName: `Ito${unique} v. Acme`,
    "client.first_name": "Iris",
    "client.last_name": `Ito${unique}`,
    "client.phone": `+1415555${String(unique).padStart(4, "0")}`,
    "client.email": `iris.${unique}@example.com`,
    "intake.policeReportNumber": `PR-${unique}`,
  },
  caseType: "31",
  status: "401",
  externalId: `cas_fv_${unique}`,
});

describe("Filevine sessions", () => {
  it("exchanges the PAT with the documented form, then sends the org and user ids on every call", async () => {
    const exchanges: CrmExchange[] = [];
    fake.log.length = 0;
    const connector = filevineProvider.connect(context({ onExchange: (e) => exchanges.push(e) }));
    await expect(connector.test()).resolves.toEqual({ account: "Api User (Fake Injury Law)" });
    await connector.get("case", "1");
    const token = fake.log.find((e) => e.path === "/connect/token");
    expect(Object.fromEntries(new URLSearchParams(token?.body ?? ""))).toEqual({
      client_id: fake.credentials.client_id,
      client_secret: fake.credentials.client_secret,
      grant_type: "personal_access_token",
      token: fake.credentials.pat,
      scope: expect.stringContaining("filevine.v2.api.*"),
    });
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const project = fake.log.find((e) => e.path === "/fv-app/v2/Projects/1");
    expect(project?.headers).toMatchObject({ "x-fv-orgid": "6355", "x-fv-userid": "9907" });
    const logged = JSON.stringify(exchanges);
    for (const secret of [fake.credentials.pat ?? "", fake.credentials.client_secret ?? ""])
      expect(logged).not.toContain(secret);
  });

  it("reuses the session, and exchanges the PAT again once when a call answers 401", async () => {
    const connector = filevineProvider.connect(context());
    const before = fake.exchanges;
    await Promise.all([connector.get("case", "1"), connector.get("case", "2"), connector.loadSchema()]);
    expect(fake.exchanges - before).toBe(1);
    fake.expireSessions();
    await expect(connector.get("case", "3")).resolves.toBeNull();
    expect(fake.exchanges - before).toBe(2);
  });

  it("a revoked PAT fails with auth in Filevine's words", async () => {
    const other = await startFilevineFake();
    try {
      const connector = filevineProvider.connect({
        ...context(),
        baseUrl: other.url,
        credentials: { ...other.credentials },
      });
      await connector.test();
      other.revokePat();
      const error = await connector.get("case", "1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmError);
      expect(error).toMatchObject({ stage: "auth", vendorMessage: "The personal access token is invalid" });
    } finally {
      await other.close();
    }
  });
});

describe("Filevine records", () => {
  it("asks for changes from the day before (latestActivitySince is a date) and drops what is older", async () => {
    expect(activityDate("2026-03-10T00:30:00.000Z")).toBe("2026-03-09");
    const connector = filevineProvider.connect(context());
    const { record } = await connector.create(sample(1));
    const since = record.updatedAt ?? "";
    fake.log.length = 0;
    const page = await connector.listChanged("case", since, null);
    expect(page.records.map((r) => r.id)).toContain(record.id);
    for (const r of page.records)
      expect(Date.parse(r.updatedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(since));
    const asked = fake.log.find((e) => e.path === "/fv-app/v2/Projects");
    expect(asked?.query.get("latestActivitySince")).toBe(activityDate(since));
    expect(asked?.query.get("sortBy")).toBe("projectId");
  });

  it("pages by HasMore until Filevine has no more", async () => {
    const big = await startFilevineFake({ seed: 120 });
    try {
      const connector = filevineProvider.connect({
        ...context(),
        baseUrl: big.url,
        credentials: { ...big.credentials },
      });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await connector.listChanged("case", null, cursor);
        seen.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(120);
      expect(seen).toEqual([...seen].sort((a, b) => Number(a) - Number(b)));
      await expect(connector.listChanged("case", null, "not-a-cursor")).rejects.toMatchObject({
        stage: "validation",
      });
    } finally {
      await big.close();
    }
  });

  it("moves a project to another phase and refuses a phase of another project type", async () => {
    const connector = filevineProvider.connect(context());
    const { record } = await connector.create(sample(2));
    expect(record.status).toBe("401");
    expect((await connector.update({ ...sample(2), id: record.id, fields: {}, status: "404" })).status).toBe(
      "404",
    );
    const wrong = await connector
      .update({ ...sample(2), id: record.id, fields: {}, status: "411" })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({
      stage: "validation",
      vendorMessage: expect.stringContaining("Invalid PhaseId"),
    });
  });

  it("writes a case's changed client fields to its client contact, and nothing when unchanged", async () => {
    const connector = filevineProvider.connect(context());
    const { record } = await connector.create(sample(3));
    const updated = await connector.update({
      ...sample(3),
      id: record.id,
      fields: { ...sample(3).fields, "client.phone": "+14155559999", "client.last_name": "Ito-Hill" },
    });
    expect(updated.fields).toMatchObject({ "client.phone": "+14155559999", "client.last_name": "Ito-Hill" });
    const patches = () =>
      fake.log.filter((e) => e.method === "PATCH" && e.path.startsWith("/fv-app/v2/Contacts/")).length;
    const before = patches();
    await connector.update({ ...sample(3), id: record.id, fields: { ...updated.fields, Description: "d" } });
    expect(patches()).toBe(before);
  });

  it("creates, updates and finds a client contact", async () => {
    const connector = filevineProvider.connect(context());
    const { record } = await connector.create({
      object: "client",
      fields: {
        FirstName: "Hugo",
        LastName: "Hill",
        phone: "+13035550999",
        email: "hugo@example.com",
        City: "Denver",
      },
    });
    expect(record.fields).toMatchObject({ FirstName: "Hugo", phone: "+13035550999", City: "Denver" });
    const updated = await connector.update({ object: "client", id: record.id, fields: { City: "Boulder" } });
    expect(updated.fields.City).toBe("Boulder");
    expect((await connector.search({ object: "client", phone: "(303) 555-0999" })).map((r) => r.id)).toEqual([
      record.id,
    ]);
  });
});

describe("Filevine webhook subscriptions", () => {
  it("subscribes a project and a contact subscription to the events Filevine offers for each", async () => {
    const url = "https://sb.example/v1/crm/hooks/crm_2";
    const cases = await createFilevineSubscription(context(), { url, object: "case" });
    expect(cases.eventIds.sort()).toEqual(
      ["formupdated", "projectcreated", "projectphasechanged", "projectupdated"].sort(),
    );
    expect(cases.id).toMatch(/^[0-9a-f-]{36}$/);
    const clients = await createFilevineSubscription(context(), { url, object: "client" });
    expect(clients.eventIds.sort()).toEqual(["contactcreated", "contactupdated"]);
    expect(fake.subscriptions.find((s) => s.Id === cases.id)).toMatchObject({ Endpoint: url });
    expect(filevineProvider.capabilities.changeNotifications).toBe(true);
    // The token exchange asks for the webhooks scope the identity document says these calls need.
    const exchange = fake.log.findLast((e) => e.path === "/connect/token");
    expect(new URLSearchParams(exchange?.body).get("scope")?.split(" ")).toContain("filevine.v2.webhooks");
  });

  it("renewing puts our endpoint back, and creates the subscription again when Filevine lost it", async () => {
    const url = "https://sb.example/v1/crm/hooks/crm_3";
    const created = await createFilevineSubscription(context(), { url, object: "case" });
    const held = fake.subscriptions.find((s) => s.Id === created.id);
    if (held) held.Endpoint = "https://elsewhere.example/hook";
    const renewed = await renewFilevineSubscription(context(), { id: created.id, url, object: "case" });
    expect(renewed.id).toBe(created.id);
    expect(held?.Endpoint).toBe(url);
    fake.subscriptions.splice(fake.subscriptions.indexOf(held as Record<string, unknown>), 1);
    const again = await filevineNotifications.renew(
      context(),
      { object: "case", id: created.id, expiresAt: null },
      { url },
    );
    expect(again.id).not.toBe(created.id);
    expect(fake.subscriptions.find((s) => s.Id === again.id)).toMatchObject({ Endpoint: url });
    expect(filevineNotifications.needsRenewal(again, Date.now())).toBe(true);
  });
});

describe("Filevine notifications", () => {
  const read = (headers: Record<string, string>, body: string) =>
    filevineProvider.connect(context()).readNotification?.(headers, Buffer.from(body));

  it("reads a delivery whose token the identity service signed: project, form, contact", async () => {
    const project = fake.notification({ object: "Project", event: "PhaseChanged", ids: { ProjectId: 42 } });
    expect(await read(project.headers, project.body)).toEqual({ object: "case", id: "42" });
    const form = fake.notification({
      object: "Form",
      event: "Updated",
      ids: { ProjectId: 43 },
      projectId: 43,
    });
    expect(await read(form.headers, form.body)).toEqual({ object: "case", id: "43" });
    const contact = fake.notification({ object: "Contact", event: "Updated", ids: { PersonId: 7 } });
    expect(await read(contact.headers, contact.body)).toEqual({ object: "client", id: "7" });
    const note = fake.notification({ object: "Note", event: "Created", ids: { NoteId: 1 }, projectId: 42 });
    expect(await read(note.headers, note.body)).toBeNull();
  });

  it("refuses a missing, forged, foreign, expired or misaddressed token with auth", async () => {
    const now = Math.floor(Date.now() / 1000);
    const event = { object: "Project", event: "Updated", ids: { ProjectId: 42 } };
    const [header, payload] = fake.webhookToken().split(".");
    const unsigned = `${Buffer.from('{"alg":"none","kid":"x"}').toString("base64url")}.${payload}.`;
    const tampered = `${header}.${Buffer.from('{"iss":"x"}').toString("base64url")}.${fake.webhookToken().split(".")[2]}`;
    for (const token of [
      "",
      "not-a-jwt",
      unsigned,
      tampered,
      fake.webhookToken({}, { foreignKey: true }),
      fake.webhookToken({ exp: now - 600 }),
      fake.webhookToken({ nbf: now + 600 }),
      fake.webhookToken({ aud: "another-api" }),
      fake.webhookToken({ scope: ["openid"] }),
      fake.webhookToken({ iss: "https://identity.example" }),
    ]) {
      const delivery = fake.notification(event, token);
      const headers = token === "" ? { "content-type": "application/json" } : delivery.headers;
      await expect(read(headers, delivery.body)).rejects.toMatchObject({ stage: "auth" });
    }
  });

  it("refuses an event of another org when the connection names its org", async () => {
    const delivery = fake.notification({ object: "Project", event: "Updated", ids: { ProjectId: 42 } });
    const body = JSON.stringify({ ...JSON.parse(delivery.body), OrgId: 1 });
    const connector = filevineProvider.connect(
      context({ credentials: { ...fake.credentials, org_id: String(JSON.parse(delivery.body).OrgId) } }),
    );
    await expect(connector.readNotification?.(delivery.headers, Buffer.from(body))).rejects.toMatchObject({
      stage: "auth",
    });
    expect(await connector.readNotification?.(delivery.headers, Buffer.from(delivery.body))).toEqual({
      object: "case",
      id: "42",
    });
  });
});

describe.skipIf(
  !hasVendorSpec("filevine-v2-openapi.json") || !hasVendorSpec("filevine-identity-openapi.json"),
)("Filevine requests and answers held to Filevine's OpenAPI documents", () => {
  it("every request the connector sends and every answer the fake gives conforms", async () => {
    const v2 = new OpenApiDocument("filevine-v2-openapi.json");
    const identity = new OpenApiDocument("filevine-identity-openapi.json");
    const tour = await startFilevineFake({ seed: 3 });
    try {
      const connector = filevineProvider.connect({
        ...context(),
        baseUrl: tour.url,
        credentials: { ...tour.credentials },
      });
      await connector.test();
      await connector.loadSchema();
      const { record } = await connector.create(sample(10));
      await connector.get("case", record.id);
      await connector.get("case", "99999999");
      await connector.update({
        ...sample(10),
        id: record.id,
        fields: { Description: "x", "intake.injuryType": "Neck" },
        status: "402",
      });
      await connector.search({
        object: "case",
        externalId: "cas_fv_10",
        phone: "+14155550010",
        email: "iris.10@example.com",
      });
      const client = await connector.create({
        object: "client",
        fields: { FirstName: "Al", LastName: "Bo", Line1: "1 Main" },
      });
      await connector.update({ object: "client", id: client.record.id, fields: { email: "al@example.com" } });
      await connector.listChanged("case", new Date(Date.now() - 60_000).toISOString(), null);
      await connector.listChanged("client", new Date(Date.now() - 60_000).toISOString(), null);
      await connector.create({ ...sample(11), caseType: "999" }).catch(() => null);
      const tourContext = { ...context(), baseUrl: tour.url, credentials: { ...tour.credentials } };
      const subscribed = await createFilevineSubscription(tourContext, {
        url: "https://sb.example/h",
        object: "client",
      });
      await renewFilevineSubscription(tourContext, {
        id: subscribed.id,
        url: "https://sb.example/h",
        object: "client",
      });
      // The delivery's token check reads the identity service's OIDC discovery and keys: neither
      // document describes those standard endpoints, so they are left out of the check below.
      const delivery = tour.notification({ object: "Contact", event: "Updated", ids: { PersonId: 1 } });
      await filevineProvider
        .connect(tourContext)
        .readNotification?.(delivery.headers, Buffer.from(delivery.body));
      tour.expireSessions();
      await connector.get("case", record.id);

      expect(tour.log.length).toBeGreaterThan(20);
      expect(tour.log.some((e) => e.method === "PUT" && e.path.startsWith("/fv-app/v2/webhooks/"))).toBe(
        true,
      );
      const problems = tour.log
        .filter((e) => !e.path.startsWith("/.well-known/"))
        .flatMap((e) => {
          const spec = e.path === "/connect/token" ? identity : v2;
          return [
            ...spec.validateRequest(e),
            ...spec.validateResponse(e.method, e.path, e.status, e.response, { undocumentedErrors: true }),
          ];
        });
      expect(problems).toEqual([]);
      expect(new Set(tour.log.map((e) => e.status))).toEqual(new Set([200, 400, 401, 404]));
    } finally {
      await tour.close();
    }
  });

  it("the validator refuses a call without the org and user headers", () => {
    const v2 = new OpenApiDocument("filevine-v2-openapi.json");
    const errors = v2.validateRequest({
      method: "GET",
      path: "/fv-app/v2/Projects",
      query: new URLSearchParams("limit=50"),
      headers: { authorization: "Bearer x" },
      body: "",
    });
    expect(errors).toEqual([expect.stringContaining("x-fv-userid"), expect.stringContaining("x-fv-orgid")]);
  });
});
