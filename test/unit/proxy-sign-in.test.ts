import { describe, expect, it } from 'vitest';
import { signInSchemesOf } from '../../src/main/network/proxy-tunnel';
import { createWindowProxySignIn } from '../../src/main/network/window-proxy-sign-in';
import { proxySignInInputSchema } from '../../src/shared/live-settings';

describe('the sign-in schemes a proxy offers', () => {
  it('reads each challenge’s scheme, not its parameters', () => {
    expect(signInSchemesOf(['Basic realm="corp, inc"'])).toEqual(['basic']);
    expect(signInSchemesOf(['Negotiate, NTLM'])).toEqual(['negotiate', 'ntlm']);
    expect(
      signInSchemesOf(['Digest realm="x", nonce="abc", qop="auth", Basic realm = "y"']),
    ).toEqual(['digest', 'basic']);
    expect(signInSchemesOf(['Negotiate YIIBhgYGKwYBBQUCoIIBejCC==', 'basic realm=z'])).toEqual([
      'negotiate',
      'basic',
    ]);
    expect(signInSchemesOf([])).toEqual([]);
  });
});

describe('answering Chromium’s proxy sign-in requests for the window', () => {
  const saved = { username: 'j.doe', password: 'secret-1' };
  const credentialsFor = (proxy: string) =>
    proxy === 'proxy.corp:8080' || proxy === '[fd00::1]:3128' ? saved : null;

  it('gives the saved sign-in to its own proxy only', () => {
    const signIn = createWindowProxySignIn({ credentialsFor });
    expect(signIn.answer('proxy.corp', 8080)).toEqual(saved);
    expect(signIn.answer('fd00::1', 3128)).toEqual(saved);
    expect(signIn.answer('proxy.corp', 3128)).toBeNull();
    expect(signIn.answer('elsewhere.example', 8080)).toBeNull();
  });

  it('stops answering with a sign-in the proxy keeps refusing, and starts again with a new one', () => {
    let current = saved;
    const signIn = createWindowProxySignIn({
      credentialsFor: () => current,
      maxAnswers: 2,
    });
    expect(signIn.answer('proxy.corp', 8080)).toEqual(saved);
    expect(signIn.answer('proxy.corp', 8080)).toEqual(saved);
    expect(signIn.answer('proxy.corp', 8080)).toBeNull();
    current = { username: 'j.doe', password: 'secret-2' };
    expect(signIn.answer('proxy.corp', 8080)).toEqual(current);
  });
});

describe('the proxy sign-in the settings take', () => {
  const valid = { proxy: 'proxy.corp:8080', username: 'CORP\\j.doe', password: 'pa ss:wörd' };
  const problem = (input: Record<string, unknown>) =>
    proxySignInInputSchema.safeParse(input).error?.issues[0]?.message ?? null;

  it('takes a host:port, a user name and a password (spaces and colons in it allowed)', () => {
    expect(problem(valid)).toBeNull();
    expect(problem({ ...valid, proxy: '[fd00::1]:3128' })).toBeNull();
  });

  it('says what is wrong with each field', () => {
    expect(problem({ ...valid, proxy: 'http://proxy.corp:8080' })).toBe(
      'Enter the proxy as host:port, e.g. proxy.example.com:8080.',
    );
    expect(problem({ ...valid, proxy: 'proxy.corp' })).toBe(
      'Enter the proxy as host:port, e.g. proxy.example.com:8080.',
    );
    expect(problem({ ...valid, username: 'j:doe' })).toBe(
      'A proxy user name cannot contain a colon.',
    );
    expect(problem({ ...valid, username: ' ' })).toBe('Enter the user name.');
    expect(problem({ ...valid, password: '' })).toBe('Enter the password.');
    expect(problem({ ...valid, password: 'a\nb' })).toBe(
      'The password cannot contain control characters.',
    );
  });
});
