/** Long enough that guessing one over the network is hopeless, if it was made at random. */
export const minimumClientTokenLength = 16;

/**
 * What is wrong with a client token given to the relay, or null. A token is written where anyone
 * who reaches the relay may try tokens, and where an app sends it as `Authorization: Bearer`:
 * too short a token is guessed, and characters a bearer token may not hold (a space, a quote)
 * would leave it matching no app. `which` names the token for whoever gave it ("client token 2",
 * "the 1st token of RELAY_CLIENT_TOKENS"); the token itself is never said.
 */
export function clientTokenProblem(token: string, which: string): string | null {
  if (token.length < minimumClientTokenLength)
    return `${which} is ${token.length} characters long; give each at least ${minimumClientTokenLength}, made at random (openssl rand -hex 24 makes one)`;
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
    return `${which} holds a character a bearer token may not (only letters, digits, - . _ ~ + / and a trailing =); openssl rand -hex 24 makes one`;
  return null;
}

/** 1st, 2nd, 3rd, 4th... 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
