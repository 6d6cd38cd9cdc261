/**
 * The one error catalogue: codes unique, every entry complete, the envelope MultiSafepay's,
 * and every code documented: the error table in docs/errors.md is exactly the catalogue (a failure
 * prints the table to paste).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ApiError, ERROR_CATALOGUE, errorNameByCode, findErrorByCode } from '../src/domain/errors.js';
import type { ErrorName } from '../src/domain/errors.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const entries = Object.entries(ERROR_CATALOGUE) as Array<[ErrorName, (typeof ERROR_CATALOGUE)[ErrorName]]>;

/** The docs' table, generated from the catalogue. */
function errorTable(): string {
  const rows = [...entries]
    .sort((a, b) => a[1].code - b[1].code)
    .map(([, s]) => `| ${s.code} | ${s.http} | ${s.title} | ${s.when} |`);
  return ['| `error_code` | HTTP | `error_info` starts with | When the sandbox answers it |', '|---|---|---|---|', ...rows].join('\n');
}

t.test('codes are unique, whole numbers, and every entry is complete', async (t) => {
  const codes = entries.map(([, s]) => s.code);
  t.equal(new Set(codes).size, codes.length, 'no code twice');
  for (const [name, s] of entries) {
    t.ok(Number.isInteger(s.code) && s.code >= 1000 && s.code <= 9999, `${name}: four-digit code`);
    t.ok(s.http >= 400 && s.http < 500, `${name}: a 4xx status (a refusal is never the sandbox's fault)`);
    t.ok(s.title.length > 3, `${name}: title`);
    t.ok(s.when.length > 10, `${name}: says when`);
    t.equal(findErrorByCode(s.code), s);
    t.equal(errorNameByCode(s.code), name);
  }
  t.equal(findErrorByCode(4242), undefined);
});

t.test('ApiError renders MultiSafepay\'s envelope, its info starting with the title', async (t) => {
  const e = new ApiError('INVALID_AMOUNT', 'amount must not be negative; got -1');
  t.same(e.toEnvelope(), { success: false, data: {}, error_code: 1001, error_info: 'Invalid amount: amount must not be negative; got -1' });
  t.equal(e.http, 400);
  t.equal(e.code, 1001);
  t.ok(e instanceof Error);
  t.equal(new ApiError('UNKNOWN', 'too big', 413).http, 413, 'status can be overridden');
  t.equal(new ApiError('NOT_FOUND').toEnvelope().error_info, 'Not found');
});

t.test('docs/errors.md holds the catalogue as a table, exactly', async (t) => {
  const readme = readFileSync(join(PACKAGE_ROOT, 'docs', 'errors.md'), 'utf8');
  const m = /<!-- error-codes:start -->\n([\s\S]*?)\n<!-- error-codes:end -->/.exec(readme);
  t.ok(m, 'docs/errors.md has the error-codes markers');
  t.equal(m?.[1], errorTable(), 'the table matches ERROR_CATALOGUE; paste the expected table between the markers');
  for (const [name, s] of entries) {
    t.match(readme, new RegExp(`^\\| ${s.code} \\| ${s.http} \\|`, 'm'), `${s.code} (${name}) is in the docs' error table`);
  }
});
