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

  it('takes SOCKS as version 4 and SOCKS5 as 5, on port 1080 unless named, as Chromium does', () => {
    expect(parseProxyList('SOCKS5 socks.corp:9050; SOCKS s4.corp; socks4 [fd00::2]:80')).toEqual([
      { kind: 'socks', version: 5, host: 'socks.corp', port: 9050, label: 'socks.corp:9050' },
      { kind: 'socks', version: 4, host: 's4.corp', port: 1080, label: 's4.corp:1080' },
      { kind: 'socks', version: 4, host: 'fd00::2', port: 80, label: '[fd00::2]:80' },
    ]);
    expect(parseProxyList('HTTPS secure.corp:80')).toEqual([
      { kind: 'proxy', secure: true, host: 'secure.corp', port: 80, label: 'secure.corp:80' },
    ]);
  });

  it('marks what the app cannot speak to, and reads an empty answer as DIRECT', () => {
    expect(parseProxyList('QUIC q.corp:443;  direct ; SOCKS5 user@s.corp:1080')).toEqual([
      { kind: 'unsupported', label: 'QUIC q.corp:443' },
      { kind: 'direct' },
      { kind: 'unsupported', label: 'user@s.corp:1080' },
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
