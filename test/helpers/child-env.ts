/**
 * The environment for a child process a test starts (the CLI under tsx), with tap's coverage
 * collection switched off for it (`_TAPJS_PROCESSINFO_COVERAGE_=0`, read by
 * @tapjs/processinfo). Coverage of files transpiled by tsx, merged with the same files
 * transpiled by tap's loader, maps to the wrong lines and drags the suite's figures down
 * (from 98% to 80% of statements on a clean clone); the in-process tests cover that code.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...extra };
}
