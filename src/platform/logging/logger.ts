/** JSON logs (pino) with secrets redacted; components get child loggers. */
import { pino, type Logger } from 'pino';
import { redactUrlCredentials } from '../config/redact-credentials.js';

export type { Logger };

const URL_SETTINGS = ['databaseUrl', 'busUrl', 'mqttUrl'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'civis' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          '*.password',
          ...URL_SETTINGS,
          ...URL_SETTINGS.map((key) => `*.${key}`),
        ],
        // A URL setting keeps its host (which server?), only its credentials are hidden.
        censor: (value: unknown, path: string[]) =>
          typeof value === 'string' && URL_SETTINGS.includes(path.at(-1) ?? '')
            ? redactUrlCredentials(value)
            : '[redacted]',
      },
    },
    destination,
  );
}
