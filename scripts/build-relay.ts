/**
 * Builds the standalone relay: out/relay/cli.js (the main process) and out/relay/stream-process.js
 * (the stream process it forks with --stream-process).
 *
 * The main process loads its packages from node_modules. The stream process bundles all but ws,
 * so that of zod it carries only the zod/mini functions its message schemas use: loaded whole
 * from node_modules, zod costs a process about 5 MB (README, "2026-12-02: a leaner stream
 * process"). For the same reason it loads neither pino nor prom-client; this build fails if it
 * comes to.
 */
import { build, type BuildOptions } from 'esbuild';

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  outdir: 'out/relay',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/relay/cli.ts'], packages: 'external' });

const streamProcess = await build({
  ...common,
  entryPoints: ['src/relay/stream-process.ts'],
  // ws looks for optional native add-ons at run time.
  external: ['ws'],
  metafile: true,
});

// Importing `zod` instead of `zod/mini` on the stream side would bundle all of it; importing the
// main process's logger or metrics, pino or prom-client.
const unwanted = Object.keys(streamProcess.metafile.inputs).find((input) =>
  /node_modules\/(zod\/(v3|v4\/classic)|pino|prom-client)\//.test(input),
);
if (unwanted !== undefined) {
  console.error(
    `build-relay: the stream process would load ${unwanted}: import zod/mini rather than zod, ` +
      'and report through StreamLog and StreamMetrics (stream-reporting.ts)',
  );
  process.exit(1);
}
