import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config.js";
import { generateMasterKey, parseMasterKey, SecretCipher } from "./cipher.js";

/**
 * The master key comes from SWITCHBOARD_MASTER_KEY, or from `master.key` in the data directory,
 * generated on first start with mode 0600. Multi-node deployments must set the variable so every
 * node decrypts the same secrets.
 */
export function loadSecretCipher(masterKey: string | null, dataDir: string): SecretCipher {
  if (masterKey !== null) {
    try {
      return new SecretCipher(parseMasterKey(masterKey));
    } catch (error) {
      throw new ConfigError("SWITCHBOARD_MASTER_KEY", (error as Error).message);
    }
  }
  const file = join(dataDir, "master.key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${generateMasterKey()}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  try {
    return new SecretCipher(parseMasterKey(readFileSync(file, "utf8")));
  } catch (error) {
    throw new ConfigError("SWITCHBOARD_MASTER_KEY", `${file}: ${(error as Error).message}`);
  }
}
