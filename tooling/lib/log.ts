/** A progress line of the project's scripts. */
export function progress(message: string): void {
  process.stdout.write(`journeytrace: ${message}\n`);
}

/** A setup problem the user must fix; printed as one clear line, without a stack. */
export class SetupError extends Error {
  override name = 'SetupError';
}
