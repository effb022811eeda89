import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '../../src/main/secret-cipher';

/** AES-256-GCM with a key that lives as long as the cipher: safeStorage's stand-in in tests. */
export function createMemoryKeyCipher(
  storage: SecretCipher['storage'] = 'encrypted',
): SecretCipher {
  const key = randomBytes(32);
  return {
    storage,
    async encrypt(plaintext) {
      if (storage === 'unavailable') throw new Error('no secret storage');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    async decrypt(ciphertext) {
      const bytes = Buffer.from(ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
