import { join } from 'node:path';
import Conf from 'conf';
import { openAccountStore, type AccountStore } from '../../src/main/account-store';

/** The account store on a real `conf` file (electron-store's own format) in `dir`. */
export function openTestAccountStore(
  dir: string,
  options: { now?: () => Date; name?: string; retrySaveMs?: number } = {},
): AccountStore {
  const { name = 'onboarding', ...rest } = options;
  return openAccountStore({
    open: () => new Conf<Record<string, unknown>>({ cwd: dir, configName: name }),
    filePath: join(dir, `${name}.json`),
    ...rest,
  });
}
