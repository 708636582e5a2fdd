type LogFn = {
  (message: string): void;
  (bindings: Record<string, unknown>, message?: string): void;
};

/** The subset of pino's logger that the domain uses. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
