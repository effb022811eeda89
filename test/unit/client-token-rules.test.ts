import { describe, expect, it } from 'vitest';
import { clientTokenProblem, ordinal } from '../../src/relay/client-token-rules';

describe('a client token given to the relay', () => {
  it('is taken when random and long enough, as openssl and base64url make them', () => {
    for (const token of [
      '0123456789abcdef',
      '9f2c4e0b7a1d3f5e8c6b2a4d0e9f1c3b5a7d9e2f4c6b8a0d',
      'Zm9vYmFyYmF6cXV4MTIz-_~.+/==',
    ])
      expect(clientTokenProblem(token, 'client token 1')).toBeNull();
  });

  it('is refused when short, saying which and how long, never the token', () => {
    const problem = clientTokenProblem('fifteen-chars-x', 'client token 3');
    expect(problem).toContain('client token 3 is 15 characters long; give each at least 16');
    expect(problem).not.toContain('fifteen-chars-x');
  });

  it('is refused when it holds what a bearer token may not: a space, a quote, = within', () => {
    for (const token of ['a token with spaces', 'quoted"token-0123456', 'abc=def0123456789xyz'])
      expect(clientTokenProblem(token, 'client token 1')).toContain(
        'holds a character a bearer token may not',
      );
  });

  it('is named by its place among those given in one way', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '111th',
    ]);
  });
});
