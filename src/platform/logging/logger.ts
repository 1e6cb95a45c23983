/** JSON logs (pino) with secrets redacted; components get child loggers. */
import { pino, type Logger } from 'pino';

export type { Logger };

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
          '*.databaseUrl',
          '*.busUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
