/**
 * The one way the sandbox reads a yes/no environment variable (LOG, CONTROL_ALLOW_REMOTE,
 * WEBHOOK_NOTIFY_ON_CREATE, SECOND_CHANCE, ...): `1`, `true`, `yes`, `on` are yes; `0`,
 * `false`, `no`, `off` are no; unset or empty is "not said". Anything else is refused
 * rather than guessed, so `LOG=ture` is not silently off.
 */
const YES = ['1', 'true', 'yes', 'on'];
const NO = ['0', 'false', 'no', 'off'];

/** true, false, or undefined when unset; throws via `fail` on any other value. */
export function readEnvFlag(name: string, value: string | undefined, fail: (option: string, message: string) => never): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (YES.includes(v)) return true;
  if (NO.includes(v)) return false;
  return fail(name, `"${value.slice(0, 40)}" is not yes or no; write 1, true, yes or on, or 0, false, no or off`);
}
