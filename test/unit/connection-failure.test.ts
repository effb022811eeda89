import { describe, expect, it } from 'vitest';
import {
  describeConnectionFailure,
  findConnectionFailure,
} from '../../src/main/network/connection-failure';

/** An error as Node makes one for a failed connection: its code on it. */
const nodeError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('a failed connection', () => {
  it('is found under the errors that wrap it, and among the addresses tried', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: nodeError('CERT_HAS_EXPIRED') });
    expect(findConnectionFailure(new Error('SDK', { cause: fetchFailed }))).toBe(
      'certificate_out_of_date',
    );
    // Happy eyeballs: one error per address tried (localhost's ::1 and 127.0.0.1).
    const everyAddress = new AggregateError([nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')]);
    expect(findConnectionFailure(new TypeError('fetch failed', { cause: everyAddress }))).toBe(
      'refused',
    );
    expect(findConnectionFailure(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe(
      'certificate_for_another_name',
    );
    // fetch's refusal of a port kept for other services has only its message to go by.
    const barred = new TypeError('fetch failed', { cause: new Error('bad port') });
    expect(findConnectionFailure(barred)).toBe('port_barred');
    expect(
      findConnectionFailure(Object.assign(new Error('bad port'), { code: 'OTHER' })),
    ).toBeNull();
  });

  it('is not made up where the error says nothing of the connection', () => {
    expect(findConnectionFailure(nodeError('ERR_INVALID_URL'))).toBeNull();
    expect(findConnectionFailure('not an error')).toBeNull();
    // A cause that leads back to itself ends the search.
    const looped = new Error('looped');
    (looped as { cause?: unknown }).cause = looped;
    expect(findConnectionFailure(looped)).toBeNull();
  });

  it('is told with what was being tried, where, and what to do', () => {
    expect(
      describeConnectionFailure(
        'certificate_for_another_name',
        'reach the relay',
        'relay.example:443',
        'the relay URL',
      ),
    ).toBe(
      'Could not reach the relay: the certificate that answered for relay.example:443 is for another name. Check the relay URL in Settings; if it is right, this network intercepts the connection: use another network.',
    );
    expect(
      describeConnectionFailure('certificate_out_of_date', 'reach the relay', 'r', 'the relay URL'),
    ).toContain('Check this computer’s date and time');
  });
});
