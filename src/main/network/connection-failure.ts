/** Why a connection failed below HTTP, by what it means to the person using the app. */
export type ConnectionFailureKind =
  /** The host's name could not be looked up (offline, a wrong address, the network's DNS). */
  | 'name_not_found'
  /** Nothing listens at that address and port. */
  | 'refused'
  /** No answer in time, or no route to the host. */
  | 'no_answer'
  /** The connection was cut before an answer (a firewall or filter, the server failing). */
  | 'cut'
  /** A certificate no authority this computer trusts signed (a network inspecting TLS). */
  | 'untrusted_certificate'
  /** A certificate for another name (a wrong address, or a network intercepting it). */
  | 'certificate_for_another_name'
  /** A certificate out of its dates by this computer's clock. */
  | 'certificate_out_of_date'
  /** A port fetch will not connect to at all (kept for other services, such as mail: 25, 6000). */
  | 'port_barred';

/** Node's and undici's error codes (and a timeout's name), by what they mean. */
const kindOfCode: Readonly<Record<string, ConnectionFailureKind>> = {
  ENOTFOUND: 'name_not_found',
  EAI_AGAIN: 'name_not_found',
  EAI_NONAME: 'name_not_found',
  EAI_FAIL: 'name_not_found',
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'no_answer',
  ENETUNREACH: 'no_answer',
  EHOSTUNREACH: 'no_answer',
  ENETDOWN: 'no_answer',
  UND_ERR_CONNECT_TIMEOUT: 'no_answer',
  UND_ERR_HEADERS_TIMEOUT: 'no_answer',
  TimeoutError: 'no_answer',
  ECONNRESET: 'cut',
  ECONNABORTED: 'cut',
  EPIPE: 'cut',
  UND_ERR_SOCKET: 'cut',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted_certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted_certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted_certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted_certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted_certificate',
  CERT_UNTRUSTED: 'untrusted_certificate',
  CERT_SIGNATURE_FAILURE: 'untrusted_certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate_for_another_name',
  CERT_HAS_EXPIRED: 'certificate_out_of_date',
  CERT_NOT_YET_VALID: 'certificate_out_of_date',
};

/**
 * What Node says of the failed connection behind `error`, looked for along its causes (fetch's
 * TypeError wraps it; the SDK wraps that) and among an AggregateError's (one per address tried).
 */
export function findConnectionFailure(error: unknown): ConnectionFailureKind | null {
  const pending: unknown[] = [error];
  for (let looked = 0; pending.length > 0 && looked < 16; looked++) {
    const cause = pending.shift();
    if (!(cause instanceof Error)) continue;
    const code = (cause as { code?: unknown }).code;
    const kind = kindOfCode[typeof code === 'string' ? code : cause.name];
    if (kind !== undefined) return kind;
    // fetch's refusal carries no code: its message is the whole of what it says.
    if (code === undefined && cause.message === 'bad port') return 'port_barred';
    if (cause instanceof AggregateError) pending.push(...(cause.errors as unknown[]));
    pending.push(cause.cause);
  }
  return null;
}

/**
 * What happened and what to do, for the person using the app. `attempt` says what the app was
 * trying to do ("reach StackOne to list linked accounts"); `host` is where it was connecting to
 * (with its port where not the scheme's own), as `setting` has it ("the StackOne API URL").
 */
export function describeConnectionFailure(
  kind: ConnectionFailureKind,
  attempt: string,
  host: string,
  setting: string,
): string {
  switch (kind) {
    case 'name_not_found':
      return `Could not ${attempt}: the name ${host} was not found. Check that this computer is online and that ${setting} in Settings is spelt right, then try again.`;
    case 'refused':
      return `Could not ${attempt}: ${host} refused the connection (nothing answers at that address and port). Check ${setting} in Settings, then try again.`;
    case 'no_answer':
      return `Could not ${attempt}: ${host} did not answer in time. The network may be slow or may block it: try again, or use another network.`;
    case 'cut':
      return `Could not ${attempt}: the connection to ${host} was cut before an answer came (a firewall or filter on this network may stop it). Try again, or use another network.`;
    case 'untrusted_certificate':
      return `Could not ${attempt}: the certificate that answered for ${host} is not one this computer trusts. A network that inspects encrypted traffic needs its certificate authority installed in this computer’s certificate store (then restart the app); otherwise use another network.`;
    case 'certificate_for_another_name':
      return `Could not ${attempt}: the certificate that answered for ${host} is for another name. Check ${setting} in Settings; if it is right, this network intercepts the connection: use another network.`;
    case 'certificate_out_of_date':
      return `Could not ${attempt}: the certificate that answered for ${host} has expired or is not valid yet by this computer’s clock. Check this computer’s date and time, then try again.`;
    case 'port_barred':
      return `Could not ${attempt}: ${host} is at a port web connections may not use (it is kept for other services, such as mail). Check ${setting} in Settings; if it is right, the service needs another port.`;
  }
}
