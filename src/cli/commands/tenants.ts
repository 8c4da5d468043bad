import type { Command } from "commander";
import { clientAction, withClientOptions } from "../client.js";
import { details, printJson, table } from "../output.js";

const TENANT_COLUMNS = ["id", "name", "timezone", "created_at"];
const KEY_COLUMNS = ["id", "prefix", "scopes", "expires_at", "created_at", "revoked_at"];

/** `tenants create|list` and `keys create|revoke|list`: the admin key's commands. */
export function registerTenantCommands(program: Command): void {
  const tenants = program.command("tenants").description("create and list tenants (admin key)");
  withClientOptions(tenants.command("create <name>").description("create a tenant"))
    .option("--timezone <zone>", "IANA time zone, e.g. America/Chicago")
    .action(
      clientAction(async (client, options, name: string) => {
        const timezone = (options as { timezone?: string }).timezone;
        const tenant = await client.call("POST", "/v1/tenants", { name, ...(timezone ? { timezone } : {}) });
        if (options.json) printJson(tenant);
        else process.stdout.write(details(tenant, TENANT_COLUMNS));
      }),
    );
  withClientOptions(tenants.command("list").description("list tenants")).action(
    clientAction(async (client, options) => {
      const answer = await client.call("GET", "/v1/tenants?limit=200");
      if (options.json) printJson(answer);
      else process.stdout.write(table(answer.data ?? [], TENANT_COLUMNS));
    }),
  );

  const keys = program.command("keys").description("create, list and revoke tenant API keys (admin key)");
  withClientOptions(
    keys.command("create <tenant_id>").description("create an API key for a tenant; the key is shown once"),
  )
    .option(
      "--scopes <list>",
      "comma-separated scopes, e.g. events:write,webhooks:read or records:* (default: none, full power)",
    )
    .option("--expires-at <time>", "ISO 8601 time the key stops working, e.g. 2027-01-31T00:00:00Z")
    .action(
      clientAction(async (client, options, tenantId: string) => {
        const { scopes, expiresAt } = options as { scopes?: string; expiresAt?: string };
        const body: Record<string, unknown> = {};
        if (scopes !== undefined)
          body.scopes = scopes
            .split(",")
            .map((scope) => scope.trim())
            .filter(Boolean);
        if (expiresAt !== undefined) body.expires_at = expiresAt;
        const key = await client.call("POST", `/v1/tenants/${encodeURIComponent(tenantId)}/keys`, body);
        if (options.json) printJson(key);
        else
          process.stdout.write(
            `${details(key, ["id", "prefix", "scopes", "expires_at", "created_at"])}\nkey (shown once): ${key.key}\n`,
          );
      }),
    );
  withClientOptions(keys.command("list <tenant_id>").description("list a tenant's API keys")).action(
    clientAction(async (client, options, tenantId: string) => {
      const answer = await client.call("GET", `/v1/tenants/${encodeURIComponent(tenantId)}/keys`);
      if (options.json) printJson(answer);
      else process.stdout.write(table(answer.data ?? [], KEY_COLUMNS));
    }),
  );
  withClientOptions(
    keys.command("revoke <tenant_id> <key_id>").description("revoke a tenant's API key"),
  ).action(
    clientAction(async (client, options, tenantId: string, keyId: string) => {
      await client.call(
        "DELETE",
        `/v1/tenants/${encodeURIComponent(tenantId)}/keys/${encodeURIComponent(keyId)}`,
      );
      if (options.json) printJson({ id: keyId, revoked: true });
      else process.stdout.write(`revoked ${keyId}\n`);
    }),
  );
}
