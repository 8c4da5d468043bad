import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import { ConfigError } from "../config.js";
import { generateMasterKey, parseMasterKey, SecretCipher } from "../secrets/cipher.js";
import { loadSecretCipher } from "../secrets/master-key.js";
import { openStore } from "../store/index.js";

/**
 * Re-encrypts every stored secret under a new master key. The new key comes from
 * SWITCHBOARD_NEW_MASTER_KEY, or is generated. With a key file, the new key is written next to
 * it (`master.key.next`) before the database changes and renamed over it after they commit, so
 * at every moment the key that decrypts the data is on disk. Stop the servers first.
 */
export async function rotateMasterKey(config: Config, newKeyText: string | null): Promise<string> {
  const current = loadSecretCipher(config.masterKey, config.dataDir);
  const newKey = newKeyText ?? generateMasterKey();
  let next: SecretCipher;
  try {
    next = new SecretCipher(parseMasterKey(newKey));
  } catch (error) {
    throw new ConfigError("SWITCHBOARD_NEW_MASTER_KEY", (error as Error).message);
  }
  const keyFile = join(config.dataDir, "master.key");
  const usesFile = config.masterKey === null && existsSync(keyFile);
  const pendingFile = `${keyFile}.next`;
  if (usesFile) writeFileSync(pendingFile, `${newKey}\n`, { mode: 0o600 });

  const store = await openStore(config);
  let count: number;
  let connections: number;
  try {
    await store.migrate();
    const reencrypt = (stored: string) => next.encrypt(current.decrypt(stored));
    count = await store.targets.reencryptSecrets(reencrypt);
    connections = await store.scheduling.reencryptSecrets(reencrypt);
  } finally {
    await store.close();
  }
  if (usesFile) {
    renameSync(pendingFile, keyFile);
    return `re-encrypted the secrets of ${count} webhooks and ${connections} scheduling connections; the new key is in ${keyFile}\n`;
  }
  return (
    `re-encrypted the secrets of ${count} webhooks and ${connections} scheduling connections.\n` +
    `Set SWITCHBOARD_MASTER_KEY to the new key on every node before starting them:\n\n    ${newKey}\n\n`
  );
}
