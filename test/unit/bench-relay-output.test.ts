import { PassThrough } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchRelayOutput } from '../../scripts/bench-relay/relay-output';

describe("the benchmark's reading of the relay's output", () => {
  it('keeps what the relay printed until it listens, then passes on each line it logs', async () => {
    const stdout = new PassThrough();
    const passedOn: string[] = [];
    const output = watchRelayOutput(stdout, (line) => passedOn.push(line));

    stdout.write('{"level":30,"msg":"heap limit"}\nRelay listen');
    await turn();
    expect(output.startOutput()).toBe('{"level":30,"msg":"heap limit"}\n');

    stdout.write(
      'ing on http://127.0.0.1:40123 (webhooks: http://127.0.0.1:40123/webhooks/stackone)\n',
    );
    await expect(output.listening).resolves.toBe('http://127.0.0.1:40123');

    // A warning written in two pieces reaches the benchmark as one line, after the one before it.
    stdout.write('{"level":40,"msg":"stream connection could not be handed over"}\n{"level":40,');
    stdout.write('"msg":"the stream process could not be reached"}\n');
    await turn();
    expect(passedOn).toEqual([
      '{"level":40,"msg":"stream connection could not be handed over"}',
      '{"level":40,"msg":"the stream process could not be reached"}',
    ]);
  });
});
