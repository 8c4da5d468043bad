import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/server.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { createStorage, storeKinds } from "../helpers/stores.js";

const CALL = { type: "call.ended", data: { call_id: "call_1", direction: "inbound", duration: 42 } };

describe.each(storeKinds())("tenants and keys on %s", (kind) => {
  let sb: TestServer;
  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it("the admin key creates a tenant with a ten_ id and a default UTC time zone", async () => {
    const res = await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "Delgado & Park" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "Delgado & Park", timezone: "UTC" });
    expect(res.body.id).toMatch(/^ten_[0-9A-Za-z]+$/);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
  });

  it("a tenant keeps the time zone it was created with", async () => {
    const res = await sb.call("POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Chicago Injury Law", timezone: "America/Chicago" },
    });
    expect(res.status).toBe(201);
    expect(res.body.timezone).toBe("America/Chicago");
    const got = await sb.call("GET", `/v1/tenants/${res.body.id}`, { key: ADMIN_KEY });
    expect(got.body).toEqual(res.body);
  });

  it("an unknown time zone is refused with 422 and no tenant is created", async () => {
    const before = await allTenantIds();
    const res = await sb.call("POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Nowhere", timezone: "Mars/Olympus" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.path).toBe("/body/timezone");
    expect(await allTenantIds()).toEqual(before);
  });

  it("a tenant without a name is refused with 422 naming /body/name", async () => {
    const res = await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.details.path).toBe("/body/name");
  });

  it("the admin key lists tenants, newest first, with cursor pagination", async () => {
    const created: string[] = [];
    for (const name of ["A", "B", "C"]) {
      created.push((await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name } })).body.id);
    }
    const ids = await allTenantIds(2);
    for (const id of created) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    const first = await sb.call("GET", "/v1/tenants?limit=2", { key: ADMIN_KEY });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(typeof first.body.next_cursor).toBe("string");
  });

  it("a new key is sk_…, high entropy, shown once and never listed again", async () => {
    const tenant = (await sb.call("POST", "/v1/tenants", { key: ADMIN_KEY, body: { name: "Keys" } })).body;
    const res = await sb.call("POST", `/v1/tenants/${tenant.id}/keys`, { key: ADMIN_KEY });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sk_[0-9A-Za-z_-]{32,}$/);
    expect(res.body.id).toMatch(/^key_/);
    const other = await sb.call("POST", `/v1/tenants/${tenant.id}/keys`, { key: ADMIN_KEY });
    expect(other.body.key).not.toBe(res.body.key);

    const listed = await sb.call("GET", `/v1/tenants/${tenant.id}/keys`, { key: ADMIN_KEY });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((k: { id: string }) => k.id).sort()).toEqual(
      [res.body.id, other.body.id].sort(),
    );
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(res.body.key);
    expect(text).not.toContain(other.body.key);
    for (const k of listed.body.data) expect(k).not.toHaveProperty("key");
  });

  it("a tenant key works on tenant routes", async () => {
    const { key } = await sb.tenant();
    const res = await sb.call("GET", "/v1/webhooks", { key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });

  it("a revoked key is answered 401 and the tenant's other keys keep working", async () => {
    const { id, key } = await sb.tenant();
    const second = (await sb.call("POST", `/v1/tenants/${id}/keys`, { key: ADMIN_KEY })).body;
    expect((await sb.call("GET", "/v1/webhooks", { key: second.key })).status).toBe(200);

    const revoked = await sb.call("DELETE", `/v1/tenants/${id}/keys/${second.id}`, { key: ADMIN_KEY });
    expect(revoked.status).toBe(204);

    const after = await sb.call("GET", "/v1/webhooks", { key: second.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthorized");
    expect((await sb.call("GET", "/v1/webhooks", { key })).status).toBe(200);

    const listed = await sb.call("GET", `/v1/tenants/${id}/keys`, { key: ADMIN_KEY });
    const entry = listed.body.data.find((k: { id: string }) => k.id === second.id);
    expect(entry.revoked_at).not.toBeNull();
  });

  it("revoking a key of another tenant is 404 and the key keeps working", async () => {
    const a = await sb.tenant();
    const b = await sb.tenant();
    const keyOfB = (await sb.call("GET", `/v1/tenants/${b.id}/keys`, { key: ADMIN_KEY })).body.data[0];
    const res = await sb.call("DELETE", `/v1/tenants/${a.id}/keys/${keyOfB.id}`, { key: ADMIN_KEY });
    expect(res.status).toBe(404);
    expect((await sb.call("GET", "/v1/webhooks", { key: b.key })).status).toBe(200);
  });

  it("keys for an unknown tenant are 404", async () => {
    const res = await sb.call("POST", "/v1/tenants/ten_doesnotexist/keys", { key: ADMIN_KEY });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("a tenant key cannot use the admin routes (403)", async () => {
    const { id, key } = await sb.tenant();
    const attempts = [
      await sb.call("POST", "/v1/tenants", { key, body: { name: "Sneaky" } }),
      await sb.call("GET", "/v1/tenants", { key }),
      await sb.call("GET", `/v1/tenants/${id}`, { key }),
      await sb.call("POST", `/v1/tenants/${id}/keys`, { key }),
      await sb.call("GET", `/v1/tenants/${id}/keys`, { key }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    const keys = await sb.call("GET", `/v1/tenants/${id}/keys`, { key: ADMIN_KEY });
    expect(keys.body.data).toHaveLength(1);
  });

  it("the admin key acts for a tenant with the Switchboard-Tenant header", async () => {
    const { id, key } = await sb.tenant();
    const created = await sb.call("POST", "/v1/webhooks", {
      key: ADMIN_KEY,
      headers: { "Switchboard-Tenant": id },
      body: { url: "http://127.0.0.1:9/hook" },
    });
    expect(created.status).toBe(201);
    const seen = await sb.call("GET", `/v1/webhooks/${created.body.id}`, { key });
    expect(seen.status).toBe(200);
    const sent = await sb.call("POST", "/v1/events", {
      key: ADMIN_KEY,
      headers: { "Switchboard-Tenant": id },
      body: CALL,
    });
    expect(sent.status).toBe(202);
    expect((await sb.call("GET", `/v1/events/${sent.body.id}`, { key })).status).toBe(200);
  });

  it("the admin key without Switchboard-Tenant cannot use tenant routes", async () => {
    const res = await sb.call("GET", "/v1/webhooks", { key: ADMIN_KEY });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.code).toBeTypeOf("string");
  });

  it("the admin key naming an unknown tenant is 404", async () => {
    const res = await sb.call("GET", "/v1/webhooks", {
      key: ADMIN_KEY,
      headers: { "Switchboard-Tenant": "ten_nobody" },
    });
    expect(res.status).toBe(404);
  });

  it("a tenant key ignores Switchboard-Tenant and stays in its own tenant", async () => {
    const a = await sb.tenant();
    const b = await sb.tenant();
    const hook = await sb.call("POST", "/v1/webhooks", { key: a.key, body: { url: "http://127.0.0.1:9/a" } });
    const res = await sb.call("GET", `/v1/webhooks/${hook.body.id}`, {
      key: b.key,
      headers: { "Switchboard-Tenant": a.id },
    });
    expect(res.status).toBe(404);
    const list = await sb.call("GET", "/v1/webhooks", {
      key: b.key,
      headers: { "Switchboard-Tenant": a.id },
    });
    expect(list.body.data).toEqual([]);
  });

  describe("isolation", () => {
    it("a tenant key cannot read, change or delete another tenant's webhook", async () => {
      const a = await sb.tenant();
      const b = await sb.tenant();
      const hook = (
        await sb.call("POST", "/v1/webhooks", {
          key: a.key,
          body: { url: "http://127.0.0.1:9/a", description: "A's hook" },
        })
      ).body;
      const path = `/v1/webhooks/${hook.id}`;
      const attempts = [
        await sb.call("GET", path, { key: b.key }),
        await sb.call("PATCH", path, { key: b.key, body: { description: "taken", enabled: false } }),
        await sb.call("GET", `${path}/secret`, { key: b.key }),
        await sb.call("POST", `${path}/rotate-secret`, { key: b.key }),
        await sb.call("GET", `${path}/deliveries`, { key: b.key }),
        await sb.call("POST", `${path}/replay`, { key: b.key, body: {} }),
        await sb.call("POST", `${path}/test`, { key: b.key, body: {} }),
        await sb.call("DELETE", path, { key: b.key }),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
      const after = await sb.call("GET", path, { key: a.key });
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ description: "A's hook", enabled: true });
      const secret = await sb.call("GET", `${path}/secret`, { key: a.key });
      expect(secret.body.secret).toBe(hook.secret);
      expect((await sb.call("GET", "/v1/webhooks", { key: b.key })).body.data).toEqual([]);
    });

    it("a tenant key cannot read another tenant's event or list it", async () => {
      const a = await sb.tenant();
      const b = await sb.tenant();
      const sent = await sb.call("POST", "/v1/events", { key: a.key, body: CALL });
      expect((await sb.call("GET", `/v1/events/${sent.body.id}`, { key: b.key })).status).toBe(404);
      expect((await sb.call("GET", "/v1/events", { key: b.key })).body.data).toEqual([]);
    });

    it("a tenant key cannot read or retry another tenant's delivery", async () => {
      const a = await sb.tenant();
      const b = await sb.tenant();
      await sb.call("POST", "/v1/webhooks", { key: a.key, body: { url: "http://127.0.0.1:9/a" } });
      const sent = await sb.call("POST", "/v1/events", { key: a.key, body: CALL });
      const event = await sb.call("GET", `/v1/events/${sent.body.id}`, { key: a.key });
      const deliveryId = event.body.deliveries[0].id as string;
      const before = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key: a.key });
      expect(before.status).toBe(200);

      expect((await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key: b.key })).status).toBe(404);
      expect((await sb.call("POST", `/v1/deliveries/${deliveryId}/retry`, { key: b.key })).status).toBe(404);

      const after = await sb.call("GET", `/v1/deliveries/${deliveryId}`, { key: a.key });
      expect(after.body).toEqual(before.body);
    });

    it("the same idempotency key in two tenants makes two events", async () => {
      const a = await sb.tenant();
      const b = await sb.tenant();
      const body = { ...CALL, idempotency_key: "shared-key" };
      const first = await sb.call("POST", "/v1/events", { key: a.key, body });
      const second = await sb.call("POST", "/v1/events", { key: b.key, body });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.id).not.toBe(first.body.id);
    });
  });

  // Kysely's Migrator must keep its bookkeeping in the deployment's own schema, or a second
  // deployment in the same database trips over the first one's tables.
  it("a second server on its own schema of the same database starts while this one runs", async () => {
    const storage = createStorage(kind);
    try {
      const config = loadConfig({
        SWITCHBOARD_DATA_DIR: storage.dataDir,
        ...(storage.databaseUrl ? { SWITCHBOARD_DATABASE_URL: storage.databaseUrl } : {}),
        SWITCHBOARD_PORT: "0",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        SWITCHBOARD_MASTER_KEY: randomBytes(32).toString("base64"),
      });
      const other = await startServer(config, "api", pino({ level: "silent" }));
      try {
        const res = await fetch(`${other.url}/v1/tenants`, {
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
      } finally {
        await other.stop();
      }
    } finally {
      await storage.cleanup();
    }
  });

  async function allTenantIds(limit = 200): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
      const res = await sb.call("GET", `/v1/tenants${query}`, { key: ADMIN_KEY });
      expect(res.status).toBe(200);
      ids.push(...res.body.data.map((t: { id: string }) => t.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    return ids;
  }
});
