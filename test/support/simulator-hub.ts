/**
 * Links an account through the simulator's Hub API (`POST /hub/accounts`), as the Hub does once
 * the form is submitted; resolves to the new account's id.
 */
export async function linkThroughHub(
  hubBaseUrl: string,
  sessionToken: string,
  integrationId: string,
  credentials: Record<string, string>,
): Promise<string> {
  const response = await fetch(`${hubBaseUrl}/hub/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-session-token': sessionToken },
    body: JSON.stringify({ integration_id: integrationId, credentials }),
  });
  if (response.status !== 200)
    throw new Error(`the simulator's Hub API answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Links a BambooHR account through the simulator's Hub API; resolves to its id. */
export const linkBambooHrThroughHub = (
  hubBaseUrl: string,
  sessionToken: string,
  credentials: { subdomain?: string; apiKey?: string } = {},
): Promise<string> =>
  linkThroughHub(hubBaseUrl, sessionToken, 'int_bamboohr_api_key', {
    subdomain: credentials.subdomain ?? 'acme',
    api_key: credentials.apiKey ?? 'k'.repeat(24),
  });
