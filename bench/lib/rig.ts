/** One scenario's set-up: storage, receiver, server, tenant and webhooks — torn down whatever happens. */
import type { ScenarioContext } from "./context.js";
import { Receiver } from "./receiver-client.js";
import { newMasterKey, SwitchboardServer } from "./server.js";
import { createTenant, createWebhooks, type Endpoint, secretsByPath, type WebhookSpec } from "./setup.js";
import { createStorage, type Storage } from "./storage.js";

export interface Rig {
  storage: Storage;
  masterKey: string;
  receiver: Receiver;
  server: SwitchboardServer;
  key: string;
  endpoints: Endpoint[];
}

export async function withRig<T>(
  ctx: ScenarioContext,
  options: { specs: WebhookSpec[]; role?: "all" | "api"; profileName: string },
  body: (rig: Rig) => Promise<T>,
): Promise<T> {
  const storage = createStorage(ctx.store);
  const masterKey = newMasterKey();
  let receiver: Receiver | null = null;
  let server: SwitchboardServer | null = null;
  let rig: Rig | null = null;
  try {
    receiver = await Receiver.start();
    server = await SwitchboardServer.start({
      storage,
      masterKey,
      role: options.role ?? "all",
      cpuProfDir: ctx.cpuProfDir ? `${ctx.cpuProfDir}/${options.profileName}-${ctx.store}` : null,
    });
    const key = await createTenant(server);
    const endpoints = await createWebhooks(server, key, receiver.url, options.specs);
    await receiver.setSecrets(secretsByPath(endpoints));
    rig = { storage, masterKey, receiver, server, key, endpoints };
    return await body(rig);
  } finally {
    // The body may have replaced the server (a restart): stop whichever runs now.
    await (rig?.server ?? server)?.stop().catch(() => undefined);
    await receiver?.stop().catch(() => undefined);
    if (process.env.BENCH_KEEP_DATA) ctx.log(`kept the data: ${storage.dataDir} ${storage.schema ?? ""}`);
    else await storage.cleanup().catch((error: unknown) => ctx.log(`cleanup failed: ${String(error)}`));
  }
}
