/**
 * Builds the standalone relay: out/relay/cli.js (the main process) and out/relay/stream-process.js
 * (the stream process it forks unless given --single-process).
 *
 * Both bundle zod, so that each carries only the zod/mini functions its schemas use: loaded whole
 * from node_modules, zod costs a process about 5 MB (docs/relay-benchmark-log.md, "2026-12-02: a
 * leaner stream process"). For the same reason the stream process loads neither pino nor
 * prom-client. This build fails if either comes to load more.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  outdir: 'out/relay',
  logLevel: 'warning',
  metafile: true,
} satisfies BuildOptions;

const main = await build({
  ...common,
  entryPoints: ['src/relay/cli.ts'],
  external: ['fastify', 'pino', 'prom-client', 'ws'],
});
refuse(
  main.metafile,
  'the main process',
  /node_modules\/zod\/(v3|v4\/classic)\//,
  'import zod/mini rather than zod',
);

const streamProcess = await build({
  ...common,
  entryPoints: ['src/relay/stream-process.ts'],
  // ws looks for optional native add-ons at run time.
  external: ['ws'],
});
refuse(
  streamProcess.metafile,
  'the stream process',
  /node_modules\/(zod\/(v3|v4\/classic)|pino|prom-client)\//,
  'import zod/mini rather than zod, and report through StreamLog and StreamMetrics (stream-reporting.ts)',
);

/** Fails the build if `bundle` holds a module matching `unwanted`, saying what to do instead. */
function refuse(bundle: Metafile, name: string, unwanted: RegExp, instead: string): void {
  const found = Object.keys(bundle.inputs).find((input) => unwanted.test(input));
  if (found === undefined) return;
  console.error(`build-relay: ${name} would load ${found}: ${instead}`);
  process.exit(1);
}
