/** The longest texts a window error report may carry; the window cuts longer ones. */
export const windowErrorTextMax = { message: 2_000, stack: 8_000 } as const;

/** Where in the window an error was caught. */
export const windowErrorSources = ['window', 'hub', 'script', 'promise'] as const;
export type WindowErrorSource = (typeof windowErrorSources)[number];
