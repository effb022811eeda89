import { describe, expect, it } from 'vitest';
import { parseProxyList, resolveRoutes } from '../../src/main/network/proxy-routes';

describe("Chromium's proxy list", () => {
  it('keeps the routes in order, with their default ports', () => {
    expect(parseProxyList('PROXY proxy.corp:8080; HTTPS secure.corp; DIRECT')).toEqual([
      { kind: 'proxy', secure: false, host: 'proxy.corp', port: 8080, label: 'proxy.corp:8080' },
      { kind: 'proxy', secure: true, host: 'secure.corp', port: 443, label: 'secure.corp:443' },
      { kind: 'direct' },
    ]);
    expect(parseProxyList('PROXY proxy.corp')).toEqual([
      { kind: 'proxy', secure: false, host: 'proxy.corp', port: 80, label: 'proxy.corp:80' },
    ]);
  });

  it('takes IPv6 proxies bare for sockets and bracketed for people', () => {
    expect(parseProxyList('PROXY [fd00::1]:3128')).toEqual([
      { kind: 'proxy', secure: false, host: 'fd00::1', port: 3128, label: '[fd00::1]:3128' },
    ]);
  });

  it('marks what the app cannot speak to, and reads an empty answer as DIRECT', () => {
    expect(parseProxyList('SOCKS5 socks.corp:1080;QUIC q.corp:443;  direct ')).toEqual([
      { kind: 'unsupported', label: 'SOCKS5 socks.corp:1080' },
      { kind: 'unsupported', label: 'QUIC q.corp:443' },
      { kind: 'direct' },
    ]);
    expect(parseProxyList('PROXY http://x:1/path')).toEqual([
      { kind: 'unsupported', label: 'http://x:1/path' },
    ]);
    expect(parseProxyList('')).toEqual([{ kind: 'direct' }]);
    expect(parseProxyList(' ; ')).toEqual([{ kind: 'direct' }]);
  });

  it('goes direct where the system cannot say', async () => {
    const failing = () => Promise.reject(new Error('proxy service down'));
    expect(await resolveRoutes(failing, 'https://api.stackone.com/accounts')).toEqual([
      { kind: 'direct' },
    ]);
    const asked: string[] = [];
    const routes = await resolveRoutes(async (url) => {
      asked.push(url);
      return 'PROXY p:1';
    }, 'wss://relay.example.com/v1/stream');
    expect(asked).toEqual(['wss://relay.example.com/v1/stream']);
    expect(routes).toHaveLength(1);
  });
});
