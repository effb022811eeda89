/**
 * Stands in for the `electron` package under vitest. Code under test must not reach Electron;
 * if it does, this fails with a message that says so instead of starting a binary download.
 */
const unavailable = (name: string) =>
  new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(
          `electron.${name}.${String(property)} was used under test; only src/main/electron/** may use Electron.`,
        );
      },
    },
  );

export const app = unavailable('app');
export const ipcMain = unavailable('ipcMain');
export const ipcRenderer = unavailable('ipcRenderer');
export const contextBridge = unavailable('contextBridge');
export const BrowserWindow = unavailable('BrowserWindow');
export const protocol = unavailable('protocol');
export const session = unavailable('session');
export const shell = unavailable('shell');
export default unavailable('default');
