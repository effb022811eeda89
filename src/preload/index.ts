import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  bridgeCallNames,
  bridgeEventNames,
  callChannel,
  eventChannel,
  type BridgeEventName,
} from '../shared/contract-names';

/**
 * Builds `window.onboarding` from the contract's names. Exposes one function per call and `on`
 * for push events; never ipcRenderer itself, never the IPC event object.
 */
const bridge: Record<string, unknown> = {};
for (const name of bridgeCallNames) {
  bridge[name] = (input: unknown) => ipcRenderer.invoke(callChannel(name), input ?? {});
}
bridge.on = (event: string, listener: (payload: unknown) => void) => {
  if (!(bridgeEventNames as readonly string[]).includes(event)) {
    throw new Error(`Unknown onboarding event "${event}".`);
  }
  const channel = eventChannel(event as BridgeEventName);
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
};

contextBridge.exposeInMainWorld('onboarding', bridge);
