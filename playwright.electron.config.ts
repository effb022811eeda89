import { defineConfig } from '@playwright/test';

/** The real Electron app (scripts/run-electron-tests.mjs passes ELECTRON_BINARY). */
export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.spec.ts',
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  forbidOnly: true,
  reporter: [['list']],
});
