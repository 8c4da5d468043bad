import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, Receiver } from "../helpers/receiver.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENT_DIR = join(ROOT, "test/openapi-client");

describe("the OpenAPI document drives clients", () => {
  let server: TestServer;
  let receiver: Receiver;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    receiver = await Receiver.start();
    const answer = await fetch(`${server.url}/openapi.json`);
    document = (await answer.json()) as Record<string, unknown>;
  });

  afterAll(async () => {
    await receiver?.close();
    await server?.stop();
  });

  it("passes redocly lint's recommended rules with no error and no warning", {
    timeout: 120_000,
  }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "switchboard-openapi-")), "openapi.json");
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await run("npx", ["redocly", "lint", file, "--format=json"], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((failure: { stdout?: string }) => ({ stdout: failure.stdout ?? "" }));
    const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("names every operation, tells admin keys, scoped tenant keys and portal sessions apart, and lists the catalog's payloads", () => {
    const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
    const ids = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(paths["/v1/tenants"]?.post?.security).toEqual([{ adminKey: [] }]);
    expect(paths["/v1/webhooks"]?.post?.security).toEqual([
      { tenantKey: ["webhooks:write"] },
      { portalSession: ["webhooks:write"] },
      { adminKey: [], tenantHeader: [] },
    ]);
    expect(paths["/v1/webhooks"]?.post?.["x-required-scope"]).toBe("webhooks:write");
    expect(paths["/v1/events"]?.post?.security).toEqual([
      { tenantKey: ["events:write"] },
      { adminKey: [], tenantHeader: [] },
    ]);
    expect(paths["/v1/webhooks"]?.post?.responses).toHaveProperty("201");
    // Unions of string literals read as string enums.
    const schemas = (
      document.components as { schemas: Record<string, { properties: Record<string, unknown> }> }
    ).schemas;
    expect(schemas.Delivery?.properties.status).toEqual({
      type: "string",
      enum: ["pending", "succeeded", "failed", "cancelled"],
    });
    const webhooks = document.webhooks as Record<string, unknown>;
    expect(Object.keys(webhooks)).toContain("call.ended");
    expect(Object.keys(webhooks).length).toBeGreaterThanOrEqual(40);
  });

  it("generates types that a typed openapi-fetch client compiles against and runs with", {
    timeout: 180_000,
  }, async () => {
    const types = astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
    mkdirSync(join(CLIENT_DIR, "generated"), { recursive: true });
    writeFileSync(join(CLIENT_DIR, "generated/api.d.ts"), types);
    // The client must type-check against what the document says, not only run.
    await run("npx", ["tsc", "-p", join(CLIENT_DIR, "tsconfig.json")], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((failure: { stdout?: string }) => {
      throw new Error(`the generated client does not type-check:\n${failure.stdout}`);
    });

    // Loaded by a path the repository's own type-check does not follow: the types it imports
    // exist only once generated above.
    const clientModule = join(CLIENT_DIR, "client.ts");
    const { runClient } = (await import(clientModule)) as {
      runClient(baseUrl: string, key: string, receiverUrl: string): Promise<Record<string, unknown>>;
    };
    const tenant = await server.tenant("OpenAPI Firm");
    const result = await runClient(server.url, tenant.key, `${receiver.url}/openapi-client`);
    expect(result.webhookId).toMatch(/^wh_/);
    expect(result.secret).toMatch(/^whsec_/);
    expect(result.eventId).toMatch(/^evt_/);
    expect(result.deliveries).toBe(1);
    expect(result.deliveryStatuses).toHaveLength(1);
    await eventually(async () => receiver.requests.length === 1, 10_000);
  });
});
