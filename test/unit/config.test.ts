import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses the documented defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe(resolve("./data"));
    expect(config.port).toBe(8080);
    expect(config.host).toBe("127.0.0.1");
    expect(config.adminKey).toBeNull();
    expect(config.masterKey).toBeNull();
    expect(config.allowPrivateTargets).toBe(false);
    expect(config.logLevel).toBe("info");
    expect(config.heapGrowthPercent).toBe(50);
  });

  it("reads the number of sender threads", () => {
    expect(loadConfig({ SWITCHBOARD_SENDER_THREADS: "0" }).worker.senderThreads).toBe(0);
    expect(loadConfig({ SWITCHBOARD_SENDER_THREADS: "2" }).worker.senderThreads).toBe(2);
    expect(() => loadConfig({ SWITCHBOARD_SENDER_THREADS: "17" })).toThrow(/SWITCHBOARD_SENDER_THREADS/);
  });

  it("reads the heap growth percent (0 leaves V8's own heuristics)", () => {
    expect(loadConfig({ SWITCHBOARD_HEAP_GROWTH_PERCENT: "0" }).heapGrowthPercent).toBe(0);
    expect(loadConfig({ SWITCHBOARD_HEAP_GROWTH_PERCENT: "100" }).heapGrowthPercent).toBe(100);
    expect(() => loadConfig({ SWITCHBOARD_HEAP_GROWTH_PERCENT: "-1" })).toThrow(
      /SWITCHBOARD_HEAP_GROWTH_PERCENT/,
    );
  });

  it("reads every documented variable", () => {
    const config = loadConfig({
      SWITCHBOARD_DATABASE_URL: "postgres://sb@db.internal:5432/switchboard",
      SWITCHBOARD_DATA_DIR: "/tmp/sb-data",
      SWITCHBOARD_PORT: "9090",
      SWITCHBOARD_HOST: "0.0.0.0",
      SWITCHBOARD_ADMIN_KEY: "sk_admin_0123456789abcdef",
      SWITCHBOARD_MASTER_KEY: "a".repeat(64),
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "1",
    });
    expect(config.databaseUrl).toBe("postgres://sb@db.internal:5432/switchboard");
    expect(config.dataDir).toBe("/tmp/sb-data");
    expect(config.port).toBe(9090);
    expect(config.host).toBe("0.0.0.0");
    expect(config.adminKey).toBe("sk_admin_0123456789abcdef");
    expect(config.masterKey).toBe("a".repeat(64));
    expect(config.allowPrivateTargets).toBe(true);
  });

  it("reads the public URL without its trailing slash, and refuses one that is not a URL", () => {
    expect(loadConfig({}).publicUrl).toBeNull();
    expect(loadConfig({ SWITCHBOARD_PUBLIC_URL: "https://sb.example/" }).publicUrl).toBe(
      "https://sb.example",
    );
    expect(() => loadConfig({ SWITCHBOARD_PUBLIC_URL: "sb.example" })).toThrow(/SWITCHBOARD_PUBLIC_URL/);
    expect(() => loadConfig({ SWITCHBOARD_PUBLIC_URL: "ftp://sb.example" })).toThrow(
      /SWITCHBOARD_PUBLIC_URL/,
    );
    expect(loadConfig({}).crmTokenRefreshEveryMs).toBe(300_000);
    expect(loadConfig({}).crmWebhookRenewalEveryMs).toBe(3_600_000);
  });

  it("refuses a port that is not a number, naming SWITCHBOARD_PORT", () => {
    const error = configError({ SWITCHBOARD_PORT: "abc" });
    expect(error.variable).toBe("SWITCHBOARD_PORT");
    expect(error.message).toContain("SWITCHBOARD_PORT");
    expect(error.message).not.toContain("\n");
  });

  it("refuses a port out of range", () => {
    expect(configError({ SWITCHBOARD_PORT: "70000" }).variable).toBe("SWITCHBOARD_PORT");
    expect(configError({ SWITCHBOARD_PORT: "-1" }).variable).toBe("SWITCHBOARD_PORT");
    expect(configError({ SWITCHBOARD_PORT: "80.5" }).variable).toBe("SWITCHBOARD_PORT");
  });

  it("treats an empty port as unset", () => {
    expect(loadConfig({ SWITCHBOARD_PORT: "" }).port).toBe(8080);
  });

  it("refuses a malformed database URL, naming SWITCHBOARD_DATABASE_URL", () => {
    const error = configError({ SWITCHBOARD_DATABASE_URL: "notaurl" });
    expect(error.variable).toBe("SWITCHBOARD_DATABASE_URL");
    expect(error.message).toContain("SWITCHBOARD_DATABASE_URL");
  });

  it("refuses a mysql:// database URL", () => {
    const error = configError({ SWITCHBOARD_DATABASE_URL: "mysql://root@localhost:3306/sb" });
    expect(error.variable).toBe("SWITCHBOARD_DATABASE_URL");
    expect(error.message).toContain("mysql:");
  });

  it("accepts postgresql:// as well as postgres://", () => {
    const url = "postgresql://sb:pw@localhost/sb";
    expect(loadConfig({ SWITCHBOARD_DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("treats an empty database URL as unset (SQLite)", () => {
    expect(loadConfig({ SWITCHBOARD_DATABASE_URL: "  " }).databaseUrl).toBeNull();
  });

  it("parses the private-targets flag from 1/0, true/false and yes/no", () => {
    for (const on of ["1", "true", "TRUE", "yes", " 1 "]) {
      expect(loadConfig({ SWITCHBOARD_ALLOW_PRIVATE_TARGETS: on }).allowPrivateTargets).toBe(true);
    }
    for (const off of ["", "0", "false", "no"]) {
      expect(loadConfig({ SWITCHBOARD_ALLOW_PRIVATE_TARGETS: off }).allowPrivateTargets).toBe(false);
    }
  });

  it("refuses a flag value it does not understand, naming the variable", () => {
    expect(configError({ SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "maybe" }).variable).toBe(
      "SWITCHBOARD_ALLOW_PRIVATE_TARGETS",
    );
  });

  it("refuses an admin key shorter than 16 characters", () => {
    expect(configError({ SWITCHBOARD_ADMIN_KEY: "short" }).variable).toBe("SWITCHBOARD_ADMIN_KEY");
  });

  it("refuses an unknown log level", () => {
    expect(configError({ SWITCHBOARD_LOG_LEVEL: "loud" }).variable).toBe("SWITCHBOARD_LOG_LEVEL");
  });
});
