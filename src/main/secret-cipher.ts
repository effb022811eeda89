import type { SettingsView } from '../shared/live-settings';

/**
 * Encrypts the secrets a live profile saves (the StackOne API key, the relay token). In the app it
 * is Electron's safeStorage (src/main/electron/safe-storage-cipher.ts); tests use a real AES cipher
 * with a key held in memory.
 */
export interface SecretCipher {
  readonly storage: SettingsView['secretStorage'];
  /** Base64 ciphertext. Rejects when `storage` is `unavailable`. */
  encrypt(plaintext: string): Promise<string>;
  /** Rejects when the ciphertext cannot be decrypted (another machine's, or a changed keyring). */
  decrypt(ciphertext: string): Promise<string>;
}
