import { safeStorage } from 'electron';
import type { SecretCipher } from '../secret-cipher';

/** safeStorage: the system keyring (Keychain, DPAPI, libsecret or KWallet). Call after `ready`. */
export async function createSafeStorageCipher(): Promise<SecretCipher> {
  const available = await safeStorage.isAsyncEncryptionAvailable();
  const storage = !available
    ? 'unavailable'
    : process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
      ? 'obfuscated'
      : 'encrypted';
  return {
    storage,
    encrypt: async (plaintext) =>
      (await safeStorage.encryptStringAsync(plaintext)).toString('base64'),
    decrypt: async (ciphertext) =>
      (await safeStorage.decryptStringAsync(Buffer.from(ciphertext, 'base64'))).result,
  };
}
