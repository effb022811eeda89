/**
 * Where the app talks to and with what credentials. Held only in the main process: the renderer
 * gets the Hub URLs and a session token, never the API key or the relay token.
 */
export interface Profile {
  mode: 'demo' | 'live';
  apiKey: string;
  apiBaseUrl: string;
  hubBaseUrl: string;
  hubAppUrl: string;
  relayStreamUrl: string;
  relayToken: string;
}
