/** Long enough that guessing one over the network is hopeless, if it was made at random. */
export const minimumClientTokenLength = 16;

/**
 * What is wrong with a client token given to the relay, or null. A token is written where anyone
 * who reaches the relay may try tokens, and where an app sends it as `Authorization: Bearer`:
 * too short a token is guessed, and characters a bearer token may not hold (a space, a quote)
 * would leave it matching no app. Never says the token itself.
 */
export function clientTokenProblem(token: string, position: number): string | null {
  if (token.length < minimumClientTokenLength)
    return `client token ${position} is ${token.length} characters long; give each at least ${minimumClientTokenLength}, made at random (openssl rand -hex 24 makes one)`;
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
    return `client token ${position} holds a character a bearer token may not (only letters, digits, - . _ ~ + / and a trailing =); openssl rand -hex 24 makes one`;
  return null;
}
