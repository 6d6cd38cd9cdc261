/** Why a data directory cannot be used, phrased for the person who passed --data-dir. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}
