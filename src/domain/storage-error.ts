/**
 * A write the durable store could not make: answered as 503 with this message (it says what to
 * do), logged, and shown on /health, rather than a 500 "bug in the sandbox".
 */
export class StorageError extends Error {
  readonly statusCode = 503;
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}
