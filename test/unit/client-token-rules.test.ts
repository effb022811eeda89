import { describe, expect, it } from 'vitest';
import { clientTokenProblem } from '../../src/relay/client-token-rules';

describe('a client token given to the relay', () => {
  it('is taken when random and long enough, as openssl and base64url make them', () => {
    expect(clientTokenProblem('0123456789abcdef', 1)).toBeNull();
    expect(clientTokenProblem('9f2c4e0b7a1d3f5e8c6b2a4d0e9f1c3b5a7d9e2f4c6b8a0d', 1)).toBeNull();
    expect(clientTokenProblem('Zm9vYmFyYmF6cXV4MTIz-_~.+/==', 1)).toBeNull();
  });

  it('is refused when short, saying which and how long, never the token', () => {
    const problem = clientTokenProblem('fifteen-chars-x', 3);
    expect(problem).toContain('client token 3 is 15 characters long; give each at least 16');
    expect(problem).not.toContain('fifteen-chars-x');
  });

  it('is refused when it holds what a bearer token may not: a space, a quote, = within', () => {
    for (const token of ['a token with spaces', 'quoted"token-0123456', 'abc=def0123456789xyz'])
      expect(clientTokenProblem(token, 1)).toContain('holds a character a bearer token may not');
  });
});
