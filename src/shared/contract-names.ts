/**
 * The names of every bridge call and push event, with no schema attached, so that the preload
 * bundle can build `window.onboarding` without shipping zod. `contract.ts` pairs each with schemas
 * and is checked against these lists at compile time.
 */
export const bridgeCallNames = [
  'getAppStatus',
  'listCustomers',
  'summarizeCustomers',
  'createCustomer',
  'readCustomersFile',
  'createCustomers',
  'saveCustomersContactEmails',
  'exportCustomersFile',
  'renameCustomer',
  'saveCustomerContactEmails',
  'removeCustomer',
  'findStackOneCustomers',
  'createConnectSession',
  'createAuthLink',
  'listSentAuthLinks',
  'forgetSentAuthLink',
  'listAccounts',
  'recordHubSuccess',
  'refreshAccounts',
  'disconnectAccount',
  'verifyAccount',
  'checkRelayConnection',
  'getDiagnostics',
  'openLogFolder',
  'reportWindowError',
  'getSettings',
  'switchToLiveMode',
  'switchToDemoMode',
  'resetDemo',
  'saveProxySignIn',
  'forgetProxySignIn',
  'saveLinkedBy',
  'showOnlyCustomer',
  'getCustomerShownAlone',
] as const;
export type BridgeCallName = (typeof bridgeCallNames)[number];

export const bridgeEventNames = [
  'accountsChanged',
  'customerSummaryChanged',
  'relayConnectionChanged',
  'menuCommand',
  'showCustomer',
  'saveProblemChanged',
  'accountNotice',
] as const;
export type BridgeEventName = (typeof bridgeEventNames)[number];

export const callChannel = (name: BridgeCallName): string => `onboarding:call:${name}`;
export const eventChannel = (name: BridgeEventName): string => `onboarding:event:${name}`;
