import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data is never passed to the logger on purpose; the redaction
 * list is the second line of defence for fields that might slip into an object by accident.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'idNumber',
  '*.idNumber',
  'phone',
  '*.phone',
  'name',
  '*.name',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'bangfu' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
