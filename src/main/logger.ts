import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values are never written. Code logs ids and counts, never bodies or
 * credentials; this is the safety net for a careless `log.info({ config })`.
 */
export const redactedLogPaths = [
  'apiKey',
  'token',
  'authorization',
  'password',
  'secret',
  'signature',
  'body',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.signingSecret',
  '*.relayToken',
  '*.signature',
  '*.body',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(options: {
  name: string;
  level?: string;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactedLogPaths, censor: '[redacted]' },
    },
    options.destination,
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
