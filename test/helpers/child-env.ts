/**
 * The environment for a child process a test starts (the CLI under tsx). Without
 * NODE_V8_COVERAGE: tap would collect the child's coverage too, and coverage of files
 * transpiled by tsx, merged with the same files transpiled by tap's loader, maps to the
 * wrong lines and drags the suite's coverage figures down.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_V8_COVERAGE;
  return env;
}
