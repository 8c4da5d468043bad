import { spawn } from "node:child_process";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { crmProvider } from "../../src/integrations/crm/providers.js";
import { CalcomProvider } from "../../src/integrations/scheduling/calcom/index.js";
import { freePort } from "../helpers/child.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

/** `switchboard sandbox` in a child process; resolves with its output once it printed `until`. */
function runSandbox(args: string[], until: RegExp) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "sandbox", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | string>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal ?? "?")),
  );
  const ready = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`sandbox did not print in time:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (until.test(output)) {
        clearTimeout(timer);
        done(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`sandbox exited (${code}):\n${output}`));
    });
  });
  return { child, ready, exited, output: () => output };
}

const dispatcher = new Agent();
afterAll(() => dispatcher.close());

describe("switchboard sandbox", () => {
  it("runs the CRM fakes, prints what a connection needs, serves them, and stops on Ctrl-C", async () => {
    const portBase = await freePort();
    const sandbox = runSandbox(["--port-base", String(portBase)], /Ctrl-C stops/);
    const printed = await sandbox.ready;
    expect(printed).toContain(`http://127.0.0.1:${portBase}`);
    expect(printed).toContain(`http://127.0.0.1:${portBase + 1}`);

    // The printed connections work as they are: the real connectors accept them.
    const connections = [...printed.matchAll(/connection\s+(\{.*\})/g)].map(
      (m) =>
        JSON.parse(m[1] ?? "{}") as {
          provider: string;
          base_url: string;
          credentials: Record<string, string>;
          api_key?: string;
        },
    );
    // CRM and Cal.com connections name their provider; enrichment ones are the body of
    // PUT /v1/enrichment/providers/{name}.
    const crm = connections.filter((c) => c.provider !== undefined && c.provider !== "calcom");
    expect(crm.map((c) => c.provider)).toEqual(["lawruler", "smartadvocate", "clio", "filevine"]);
    expect(connections.filter((c) => c.provider === undefined)).toHaveLength(4);
    const calcom = connections.find((c) => c.provider === "calcom");
    const account = await new CalcomProvider({
      apiKey: calcom?.api_key ?? "",
      baseUrl: calcom?.base_url ?? "",
    }).me();
    expect(account.email).toContain("@");
    for (const connection of crm) {
      const provider = crmProvider(connection.provider);
      const connector = provider?.connect({
        baseUrl: connection.base_url,
        credentials: connection.credentials,
        dispatcher,
        timeoutMs: 5_000,
      });
      const schema = await connector?.loadSchema();
      expect(schema?.caseTypes.length).toBeGreaterThan(0);
    }

    sandbox.child.kill("SIGINT");
    expect(await sandbox.exited).toBe(0);
    expect(sandbox.output()).toContain("switchboard sandbox: stopped");
  });

  it("runs only the fakes named with --only, and refuses a name it does not know", async () => {
    const only = runSandbox(["--only", "smartadvocate"], /Ctrl-C stops/);
    const printed = await only.ready;
    expect(printed).toContain("SmartAdvocate");
    expect(printed).not.toContain("LawRuler");
    only.child.kill("SIGINT");
    expect(await only.exited).toBe(0);

    const wrong = runSandbox(["--only", "salesforce"], /unknown fake/);
    expect(await wrong.ready).toContain(
      "known: lawruler, smartadvocate, clio, filevine, calcom, pdl, enformion, trestle, twilio_lookup",
    );
    expect(await wrong.exited).toBe(2);
  });
});
