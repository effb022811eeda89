/**
 * The relay server's defaults, the command line's too, in a module of their own so that what
 * starts the relay's command line (its benchmarks) can read them without loading the server.
 */

/** The fan-out window's minimum and how far it may grow, in ms. */
export const defaultFanOutWindowMs = 8;
export const defaultFanOutWindowMaxMs = 50;
/** How long a client may take to send a request whole, in ms. */
export const defaultRequestTimeoutMs = 30_000;
/** How often subscribers are pinged, in ms. */
export const defaultHeartbeatIntervalMs = 15_000;
/** The most stream connections served at once. */
export const defaultMaxClients = 1_000;
