import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importAfterFailure, moduleUrlToRetry } from '../../src/renderer/src/module-load-retry';

const page = 'app://onboarding/index.html';
const fetchFailure = (url: string) =>
  new TypeError(`Failed to fetch dynamically imported module: ${url}`);

describe('moduleUrlToRetry', () => {
  it('names the module a failed fetch names, under a URL of its own for each attempt', () => {
    const failure = fetchFailure('app://onboarding/assets/HubPanel-CLUqcbLi.js');
    expect(moduleUrlToRetry(failure, 1, page)).toBe(
      'app://onboarding/assets/HubPanel-CLUqcbLi.js?try=1',
    );
    expect(moduleUrlToRetry(failure, 2, page)).toBe(
      'app://onboarding/assets/HubPanel-CLUqcbLi.js?try=2',
    );
  });

  it('replaces the attempt of a retry that failed in its turn, and keeps the rest of its query', () => {
    const failure = fetchFailure('http://127.0.0.1:5173/assets/HubPanel.js?v=3&try=1');
    expect(moduleUrlToRetry(failure, 2, 'http://127.0.0.1:5173/')).toBe(
      'http://127.0.0.1:5173/assets/HubPanel.js?v=3&try=2',
    );
  });

  it('is null for a failure that is not a fetch (the module ran and threw), or is not a TypeError', () => {
    expect(
      moduleUrlToRetry(new TypeError("Cannot read properties of undefined (reading 'x')"), 1, page),
    ).toBeNull();
    expect(
      moduleUrlToRetry(
        new Error('Failed to fetch dynamically imported module: app://onboarding/a.js'),
        1,
        page,
      ),
    ).toBeNull();
    expect(
      moduleUrlToRetry(
        'Failed to fetch dynamically imported module: app://onboarding/a.js',
        1,
        page,
      ),
    ).toBeNull();
  });

  it('is null for a module of another origin, or a name that is not a URL', () => {
    expect(moduleUrlToRetry(fetchFailure('https://example.com/HubPanel.js'), 1, page)).toBeNull();
    expect(moduleUrlToRetry(fetchFailure('app://another/HubPanel.js'), 1, page)).toBeNull();
    expect(
      moduleUrlToRetry(
        fetchFailure('http://127.0.0.1:5174/HubPanel.js'),
        1,
        'http://127.0.0.1:5173/',
      ),
    ).toBeNull();
    expect(moduleUrlToRetry(fetchFailure('HubPanel.js'), 1, page)).toBeNull();
  });
});

describe('importAfterFailure', () => {
  // The URL it is fetched under ("?try=1") is seen in the browser (test/e2e/window-errors.spec.ts):
  // vitest's module runner drops a file URL's query.
  it('imports the module a failed fetch names, not the plain import', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'module-load-retry-'));
    try {
      const path = join(dir, 'chunk.mjs');
      writeFileSync(path, 'export default { loadedFrom: import.meta.url };');
      const url = pathToFileURL(path).href;
      const plain = () => Promise.reject(new Error('not asked'));
      const retry = importAfterFailure<{ default: { loadedFrom: string } }>(
        fetchFailure(url),
        1,
        pathToFileURL(join(dir, 'index.html')).href,
        plain,
      );
      expect(retry).not.toBe(plain);
      expect(new URL((await retry()).default.loadedFrom).pathname).toBe(new URL(url).pathname);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the plain import again after a failure that was no fetch', () => {
    const plain = () => Promise.resolve({});
    expect(importAfterFailure(new TypeError('x is not a function'), 1, page, plain)).toBe(plain);
  });
});
