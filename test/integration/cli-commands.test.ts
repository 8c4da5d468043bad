import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver } from "../helpers/receiver.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");
const SPAWN_TIMEOUT = 60_000;

/** The environment without any SWITCHBOARD_* variable of the caller's, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("SWITCHBOARD_")),
  );
  return { ...base, NO_COLOR: "1", ...env };
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout or stderr contains `text` (rejects after the timeout). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function launch(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    for (const listener of listeners) listener();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(text, timeoutMs = SPAWN_TIMEOUT) {
      const seen = () =>
        typeof text === "string" ? (stdout + stderr).includes(text) : text.test(stdout + stderr);
      if (seen()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`never saw ${text}; stdout: ${stdout}; stderr: ${stderr}`));
        }, timeoutMs);
        const check = () => {
          if (!seen()) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
  };
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const running = launch(args, env);
  const code = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("switchboard CLI basics", () => {
  it(
    "--version prints the package version; a command's --help describes its options",
    async () => {
      const version = await run(["--version"]);
      expect(version.code).toBe(0);
      const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
      expect(version.stdout.trim()).toBe(pkg.version);
      const help = await run(["listen", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--forward-to");
      expect(help.stdout).toContain("SWITCHBOARD_URL");
    },
    SPAWN_TIMEOUT * 2,
  );

  it(
    "an unknown command or a missing required option exits 2 with a message",
    async () => {
      const unknown = await run(["frobnicate"]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'frobnicate'");
      const missing = await run(["events", "send", "--key", "sk_x"]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("--type");
    },
    SPAWN_TIMEOUT * 2,
  );
});

describe.each(storeKinds())("switchboard client commands on %s", (kind) => {
  let server: TestServer;
  let receiver: Receiver;
  let tenant: { id: string; key: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer(kind);
    receiver = await Receiver.start();
    tenant = await server.tenant("CLI Firm");
    env = { SWITCHBOARD_URL: server.url, SWITCHBOARD_KEY: tenant.key };
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await server?.stop();
  });

  it(
    "tenants create|list and keys create|list|revoke with the admin key",
    async () => {
      const admin = { SWITCHBOARD_URL: server.url, SWITCHBOARD_KEY: ADMIN_KEY };
      const created = await run(
        ["tenants", "create", "Acme Law", "--timezone", "America/Chicago", "--json"],
        admin,
      );
      expect(created.code, created.stderr).toBe(0);
      const acme = JSON.parse(created.stdout) as { id: string; name: string; timezone: string };
      expect(acme).toMatchObject({ name: "Acme Law", timezone: "America/Chicago" });

      const listed = await run(["tenants", "list"], admin);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^ID\s+NAME\s+TIMEZONE\s+CREATED_AT/);
      expect(listed.stdout).toContain(acme.id);
      expect(listed.stdout).toContain("Acme Law");

      const key = await run(["keys", "create", acme.id], admin);
      expect(key.code, key.stderr).toBe(0);
      const secret = key.stdout.match(/key \(shown once\): (\S+)/)?.[1] ?? "";
      const keyId = key.stdout.match(/\b(key_\w+)/)?.[1] ?? "";
      expect(secret).not.toBe("");
      expect((await server.call("GET", "/v1/webhooks", { key: secret })).status).toBe(200);

      const keys = await run(["keys", "list", acme.id, "--json"], admin);
      expect((JSON.parse(keys.stdout) as { data: { id: string }[] }).data.map((k) => k.id)).toContain(keyId);

      const revoked = await run(["keys", "revoke", acme.id, keyId], admin);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`revoked ${keyId}`);
      expect((await server.call("GET", "/v1/webhooks", { key: secret })).status).toBe(401);

      // A tenant key on an admin route: the envelope's code and message, exit 1.
      const refused = await run(["tenants", "list", "--key", tenant.key], { SWITCHBOARD_URL: server.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("forbidden");
    },
    SPAWN_TIMEOUT * 6,
  );

  it(
    "keys create --scopes --expires-at makes a scoped, expiring key the server holds to its scopes",
    async () => {
      const admin = { SWITCHBOARD_URL: server.url, SWITCHBOARD_KEY: ADMIN_KEY };
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const key = await run(
        [
          "keys",
          "create",
          tenant.id,
          "--scopes",
          "webhooks:read, deliveries:read",
          "--expires-at",
          expiresAt,
        ],
        admin,
      );
      expect(key.code, key.stderr).toBe(0);
      expect(key.stdout).toMatch(/scopes\s+webhooks:read,deliveries:read/);
      expect(key.stdout).toContain(expiresAt);
      const secret = key.stdout.match(/key \(shown once\): (\S+)/)?.[1] ?? "";
      expect((await server.call("GET", "/v1/webhooks", { key: secret })).status).toBe(200);
      const refused = await server.call("GET", "/v1/events", { key: secret });
      expect(refused.status).toBe(403);
      expect(refused.body.error.details.missing_scope).toBe("events:read");

      // A scope the server does not know: its 422 names the entry, exit 1.
      const wrong = await run(
        ["keys", "create", tenant.id, "--scopes", "webhooks:read,webhooks:delete"],
        admin,
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("/body/scopes/1");
    },
    SPAWN_TIMEOUT * 3,
  );

  it(
    "webhooks create|list|test, events send (--example and --data), replay",
    async () => {
      const created = await run(
        [
          "webhooks",
          "create",
          "--url",
          `${receiver.url}/cli`,
          "--events",
          "call.ended,message.*",
          "--description",
          "from the CLI",
        ],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const webhookId = created.stdout.match(/\b(wh_\w+)/)?.[1] ?? "";
      const secret = created.stdout.match(/signing secret \(shown once\): (whsec_\S+)/)?.[1] ?? "";
      expect(webhookId).not.toBe("");
      expect(secret).not.toBe("");

      // The admin key acting for the tenant sees the same webhook.
      const listed = await run(["webhooks", "list", "--json", "--key", ADMIN_KEY, "--tenant", tenant.id], {
        SWITCHBOARD_URL: server.url,
      });
      expect(listed.code, listed.stderr).toBe(0);
      const webhooks = JSON.parse(listed.stdout) as { data: { id: string; events: string[] }[] };
      expect(webhooks.data.find((w) => w.id === webhookId)?.events).toEqual(["call.ended", "message.*"]);

      const tested = await run(["webhooks", "test", webhookId, "--event-type", "call.ended"], env);
      expect(tested.code, tested.stderr).toBe(0);
      expect(tested.stdout).toMatch(/^succeeded\s+200\s+\d+ ms\s+evt_\w+\s+dlv_\w+/);

      const example = await run(["events", "send", "--type", "call.ended", "--example", "--json"], env);
      expect(example.code, example.stderr).toBe(0);
      const sent = JSON.parse(example.stdout) as { id: string; deliveries: number };
      expect(sent.deliveries).toBe(1);
      await until(
        async () => receiver.requests.some((r) => r.headers["webhook-id"] === sent.id),
        (found) => found,
      );
      const delivered = receiver.requests.find((r) => r.headers["webhook-id"] === sent.id);
      const envelope = new Webhook(secret).verify(
        delivered?.body ?? "",
        delivered?.headers as Record<string, string>,
      );
      expect(envelope).toMatchObject({ id: sent.id, event: "call.ended" });

      const message = await server.call("GET", "/v1/event-types/message.received", { key: tenant.key });
      const withData = await run(
        ["events", "send", "--type", "message.received", "--data", JSON.stringify(message.body.example)],
        env,
      );
      expect(withData.code, withData.stderr).toBe(0);
      expect(withData.stdout).toMatch(/^id\s+evt_\w+\ntype\s+message\.received\ndeliveries\s+1\n$/);

      const unknown = await run(["events", "send", "--type", "call.endd", "--data", "{}"], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("unknown_event_type");

      const replayed = await run(
        ["replay", webhookId, "--status", "succeeded", "--since", "2000-01-01T00:00:00Z"],
        env,
      );
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(replayed.stdout).toMatch(/replayed [1-9]\d* deliveries/);
    },
    SPAWN_TIMEOUT * 8,
  );

  it(
    "deliveries tail prints a new delivery as it happens",
    async () => {
      const webhook = await server.call("POST", "/v1/webhooks", {
        key: tenant.key,
        body: { url: `${receiver.url}/tail`, events: ["call.started"] },
      });
      const tail = launch(["deliveries", "tail", "--webhook", webhook.body.id, "--interval", "200"], env);
      try {
        await tail.waitFor("watching deliveries");
        const type = await server.call("GET", "/v1/event-types/call.started", { key: tenant.key });
        const event = await server.call("POST", "/v1/events", {
          key: tenant.key,
          body: { type: "call.started", data: type.body.example },
        });
        await tail.waitFor(
          new RegExp(`succeeded\\s+200\\s+attempt 1\\s+${webhook.body.id}\\s+dlv_\\w+\\s+${event.body.id}`),
        );
      } finally {
        tail.child.kill("SIGINT");
        await tail.exited;
      }
    },
    SPAWN_TIMEOUT * 2,
  );

  it(
    "listen forwards a signed delivery to a local server, prints its answer and removes the listener on Ctrl-C",
    async () => {
      const local = await Receiver.start((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("thanks");
      });
      const listen = launch(["listen", "--forward-to", `${local.url}/hooks`, "--events", "call.*"], env);
      try {
        await listen.waitFor(/Ready: .*listener (wh_\w+), signing secret (whsec_\S+)\)/);
        const [, listenerId, secret] =
          listen.stderr().match(/listener (wh_\w+), signing secret (whsec_\S+)\)/) ?? [];

        // Not a webhook in the list: a listener is a temporary target of its own kind.
        const webhooks = await server.call("GET", "/v1/webhooks", { key: tenant.key });
        expect(webhooks.body.data.map((w: { id: string }) => w.id)).not.toContain(listenerId);

        const type = await server.call("GET", "/v1/event-types/call.ended", { key: tenant.key });
        const event = await server.call("POST", "/v1/events", {
          key: tenant.key,
          body: { type: "call.ended", data: type.body.example },
        });
        expect(event.status).toBe(202);
        await listen.waitFor(new RegExp(`→ 200 call\\.ended ${event.body.id} \\d+ ms`));

        // What arrived is exactly what a webhook would send, signed with the listener's secret.
        const forwarded = local.requests.find((r) => r.headers["webhook-id"] === event.body.id);
        expect(forwarded?.url).toBe("/hooks");
        expect(forwarded?.headers["user-agent"]).toMatch(/^Switchboard\//);
        const envelope = new Webhook(secret as string).verify(
          forwarded?.body ?? "",
          forwarded?.headers as Record<string, string>,
        );
        expect(envelope).toMatchObject({ id: event.body.id, event: "call.ended" });

        // The delivery succeeded because the local server said 200, and the attempt log shows it.
        const found = await server.call("GET", `/v1/events/${event.body.id}`, { key: tenant.key });
        const deliveryId = found.body.deliveries.find(
          (d: { webhook_id: string }) => d.webhook_id === listenerId,
        ).id;
        const delivery = await until(
          async () => (await server.call("GET", `/v1/deliveries/${deliveryId}`, { key: tenant.key })).body,
          (d) => d.status === "succeeded",
        );
        expect(delivery.status).toBe("succeeded");
        expect(delivery.attempts[0].response).toMatchObject({ status: 200, body: "thanks" });
        expect(delivery.attempts[0].request.url).toBe(`${local.url}/hooks`);

        listen.child.kill("SIGINT");
        expect(await listen.exited).toBe(0);
        const gone = await server.call("DELETE", `/v1/listeners/${listenerId}`, { key: tenant.key });
        expect(gone.status).toBe(404);
      } finally {
        listen.child.kill("SIGKILL");
        await local.close();
      }
    },
    SPAWN_TIMEOUT * 2,
  );
});
