import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conflict, NotFound, snakeCase, ValidationFailed } from '../../src/domain/errors.js';
import { isMessageKey, translator } from '../../src/i18n/index.js';
import { errorsAr, errorsEn, type ErrorKey } from '../../src/i18n/errors.js';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

const ERROR_CLASS =
  /new (?:BadRequest|Unauthenticated|Forbidden|NotFound|Conflict|ValidationFailed|DomainError)\(\s*/;

/** Every error thrown in src/: the message keys and the field keys it names. */
function thrownKeys() {
  const keys = new Map<string, string>();
  const fieldKeys = new Map<string, string>();
  for (const { path, text } of sources(SRC)) {
    const where = path.slice(SRC.length + 1);
    for (const match of text.matchAll(new RegExp(ERROR_CLASS.source + "'(\\w+)'", 'g'))) {
      keys.set(match[1]!, where);
    }
    for (const match of text.matchAll(/super\(\s*(?:\d+,\s*)?'(\w+)'/g)) keys.set(match[1]!, where);
    for (const match of text.matchAll(/new ValidationFailed\(\s*\{([^}]*)\}/g)) {
      for (const field of match[1]!.matchAll(/'(\w+)'/g)) fieldKeys.set(field[1]!, where);
    }
    // The classes' default keys, and db/errors.ts: constraint and SQLSTATE → key.
    for (const match of text.matchAll(/key: ErrorKey = '(\w+)'/g)) keys.set(match[1]!, where);
    if (where === join('db', 'errors.ts')) {
      for (const match of text.matchAll(/^ +'?\w+'?: '(\w+)',$/gm)) keys.set(match[1]!, where);
    }
    // routes/validation.ts: the key of each zod issue a schema does not name itself.
    if (where === join('routes', 'validation.ts')) {
      for (const match of text.matchAll(/return '(\w+)'|\? '(\w+)'|: '(\w+)';/g)) {
        fieldKeys.set((match[1] ?? match[2] ?? match[3])!, where);
      }
    }
    // Anything thrown with an English sentence (or a template) instead of a key.
    const sentence = new RegExp(ERROR_CLASS.source + "['`][^'`]*\\s[^'`]*['`]", 'g');
    for (const match of text.matchAll(sentence)) keys.set(match[0], where);
  }
  return { keys, fieldKeys };
}

describe('error messages', () => {
  const { keys, fieldKeys } = thrownKeys();

  it('finds the thrown keys (the scan works)', () => {
    expect(keys.size).toBeGreaterThan(45);
    expect(keys.get('clinicNotFound')).toBeDefined();
    expect(keys.get('slotTaken')).toBeDefined();
    expect(keys.get('patientOverlap')).toBe(join('db', 'errors.ts'));
    expect(fieldKeys.get('serviceRequired')).toBeDefined();
    expect(fieldKeys.get('numberInvalid')).toBe(join('routes', 'validation.ts'));
  });

  it('has every thrown key in English and in Arabic', () => {
    const missing = [...keys].filter(
      ([key]) => !Object.hasOwn(errorsEn, key) || !errorsAr[key as ErrorKey],
    );
    expect(missing).toEqual([]);
  });

  it('has every field key of a refusal among the messages', () => {
    const missing = [...fieldKeys].filter(([key]) => !isMessageKey(key));
    expect(missing).toEqual([]);
  });

  it('has the same keys in English and Arabic, and Arabic without English words', () => {
    expect(Object.keys(errorsAr).sort()).toEqual(Object.keys(errorsEn).sort());
    // Request fields the JSON API names and ISO dates may stay as they are; nothing else Latin.
    const allowed = /\{\w+\}|package_purchase_id|package_id|\d{4}-\d{2}-\d{2}/g;
    const latin = Object.entries(errorsAr).filter(([, text]) =>
      /[A-Za-z]/.test(text.replace(allowed, '')),
    );
    expect(latin).toEqual([]);
    const untranslated = Object.entries(errorsAr).filter(
      ([key, text]) => text === errorsEn[key as ErrorKey],
    );
    expect(untranslated).toEqual([]);
  });

  it('shares no key with another dictionary (a shared key would override the other text)', () => {
    const others = sources(join(SRC, 'views')).filter(
      ({ path }) => !path.endsWith('i18n/errors.ts'),
    );
    const keysOf = (text: string) => [...text.matchAll(/^ {2}(\w+):/gm)].map((match) => match[1]!);
    const clashes = others.flatMap(({ path, text }) =>
      /(?:messages\/|i18n\.ts$)/.test(path)
        ? keysOf(text)
            .filter((key) => Object.hasOwn(errorsEn, key))
            .map((key) => `${key} in ${path}`)
        : [],
    );
    expect(clashes).toEqual([]);
  });

  it('has one code per key, in snake_case', () => {
    const codes = Object.keys(errorsEn).map(snakeCase);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => /^[a-z]+(_[a-z]+)*$/.test(code))).toBe(true);
    expect(new Conflict('slotTaken').code).toBe('slot_taken');
    expect(new NotFound('clinicNotFound')).toMatchObject({ status: 404, code: 'clinic_not_found' });
  });

  it('fills the parameters in both languages', () => {
    const expired = new Conflict('packageExpired', { date: '2026-10-01' });
    expect(expired.message).toBe('This package expired on 2026-10-01.');
    expect(translator('ar')(expired.key, expired.params)).toBe('انتهت هذه الباقة في 2026-10-01.');
    const refused = new ValidationFailed({ start: 'timeRequired' });
    expect(refused).toMatchObject({
      status: 422,
      code: 'invalid',
      fields: { start: 'timeRequired' },
    });
  });
});
