/**
 * Renderer benchmark (DESIGN.md's budget for the renderer): the JavaScript the window loads before
 * the StackOne Hub is opened (the Hub is loaded lazily, when the connect dialog first opens), the
 * Hub's own share, and how soon the window paints, over several fresh loads in Chromium.
 *
 *   npm run bench:renderer -- [--loads 20]
 *
 * It loads the built renderer (out/renderer, as `npm run build` makes it) through the browser test
 * harness: the real main-process services, simulator and relay behind the bridge, so the first
 * screen is the real one. Figures: bytes as loaded from disk and gzipped (the app ships the files,
 * so the raw size is what Chromium parses); first contentful paint and DOMContentLoaded, p50/p99/max
 * over the loads; the time until the customer list has been drawn from the bridge's answer.
 */
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, release, type } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Response } from 'playwright-core';
import { startHarness } from '../test/e2e/harness';
import { percentile } from './bench-relay/percentile';

const { values } = parseArgs({
  options: { loads: { type: 'string', default: '20' }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log('Usage: npm run bench:renderer -- [--loads <n, default 20>]');
  process.exit(0);
}
const loads = Number(values.loads);
if (!Number.isInteger(loads) || loads < 1) {
  console.error(
    `bench:renderer: --loads must be a whole number of 1 or more, got "${values.loads}"`,
  );
  process.exit(2);
}
const chromePath =
  process.env.CHROME_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/** Every script the context loads, with its size raw and gzipped. */
function recordScripts(context: BrowserContext) {
  const scripts: Promise<{ url: string; raw: number; gzip: number }>[] = [];
  context.on('response', (response: Response) => {
    if (response.request().resourceType() !== 'script') return;
    scripts.push(
      response.body().then((body) => ({
        url: new URL(response.url()).pathname,
        raw: body.length,
        gzip: gzipSync(body).length,
      })),
    );
  });
  return {
    /** The scripts loaded since the last call. */
    async take() {
      const taken = await Promise.all(scripts.splice(0));
      return {
        files: taken.length,
        raw: taken.reduce((sum, s) => sum + s.raw, 0),
        gzip: taken.reduce((sum, s) => sum + s.gzip, 0),
      };
    },
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const spread = (samples: number[]) => {
  const sorted = Float64Array.from(samples).sort();
  return `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}`;
};

const harness = await startHarness();
const browser = await chromium.launch({
  ...(chromePath !== undefined && { executablePath: chromePath }),
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  await harness.session.handlers.createCustomer({ id: 'acme', name: 'Acme Ltd' });
  console.log(
    `machine: ${cpus()[0]?.model ?? 'an unknown CPU'}, ${availableParallelism()} cores, ${type()} ${release()}, Node ${process.version}, ${browser.version()}`,
  );

  const paints: number[] = [];
  const domContentLoaded: number[] = [];
  const listDrawn: number[] = [];
  let first: { files: number; raw: number; gzip: number } | null = null;
  let hub: { files: number; raw: number; gzip: number } | null = null;
  for (let load = 0; load < loads; load++) {
    const context = await browser.newContext();
    const scripts = recordScripts(context);
    const page = await harness.openApp(context);
    await page.getByRole('heading', { name: 'Acme Ltd' }).waitFor();
    const timing = await page.evaluate(async () => {
      const now = performance.now();
      // The paint entry can be recorded a moment after the content is seen: wait for it.
      const fcp = await new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry) resolve(entry.startTime);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(Number.NaN), 5_000);
      });
      const navigation = performance.getEntriesByType('navigation')[0] as
        PerformanceNavigationTiming | undefined;
      return { fcp, dcl: navigation?.domContentLoadedEventEnd ?? Number.NaN, now };
    });
    paints.push(timing.fcp);
    domContentLoaded.push(timing.dcl);
    listDrawn.push(timing.now);
    if (load === 0) {
      first = await scripts.take();
      await page.getByRole('button', { name: 'Connect an integration' }).click();
      await page.getByTestId('stackone-hub').getByText('BambooHR', { exact: true }).waitFor();
      hub = await scripts.take();
    }
    await context.close();
  }
  if (first && hub) {
    console.log(
      `JavaScript before the Hub is opened: ${kib(first.raw)} (${kib(first.gzip)} gzipped) in ${first.files} file(s)`,
    );
    console.log(
      `the Hub, loaded when the connect dialog first opens: ${kib(hub.raw)} (${kib(hub.gzip)} gzipped) in ${hub.files} file(s)`,
    );
  }
  console.log(`first contentful paint over ${loads} loads: ${spread(paints)}`);
  console.log(`DOMContentLoaded: ${spread(domContentLoaded)}`);
  console.log(
    `customer list drawn from the bridge's answer (an upper bound: read after it is seen): ${spread(listDrawn)}`,
  );
} finally {
  await browser.close();
  await harness.close();
}
