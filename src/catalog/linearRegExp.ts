import { createRequire } from 'node:module';

/** What Ajv needs of a compiled pattern. */
export interface LinearPattern {
  test(text: string): boolean;
  toString(): string;
}

interface Re2Module {
  RE2JS: {
    compile(pattern: string, flags?: number): { test(text: string): boolean };
    translateRegExp(pattern: string): string;
  };
}

let re2: Re2Module['RE2JS'] | undefined;

/**
 * Whether JavaScript's own RegExp runs `pattern` in linear time: anchored at
 * the start (`^`), no group, alternation, backreference or lookaround, and at
 * most one quantifier. Matching can then only start at position 0 and
 * backtrack through that one quantifier: O(n). Such patterns (`^\d+$`,
 * `^[a-z0-9-]{1,64}$`, the common case) keep the native engine's speed.
 */
export function isLinearOnNative(pattern: string): boolean {
  if (!pattern.startsWith('^')) return false;
  let quantifiers = 0;
  let inClass = false;
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || (!inClass && /[1-9k]/.test(next))) return false; // backreference
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(' || char === ')' || char === '|') return false;
    else if (char === '*' || char === '+' || char === '?' || (char === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)))) {
      if (++quantifiers > 1) return false;
      if (char === '{') i = pattern.indexOf('}', i);
      if (pattern[i + 1] === '?') i++; // a lazy quantifier is still one quantifier
    }
  }
  return !inClass;
}

/**
 * Compiles a schema `pattern` on RE2 (re2js, pure JavaScript), whose matching
 * time is linear in the input: a pattern such as `^([a-z0-9]+)+$` cannot make
 * `emit` take seconds on a crafted value, as it can with JavaScript's
 * backtracking RegExp. RE2 has no lookaround and no backreferences; a pattern
 * using them throws here, so `define` refuses the schema with that message.
 * Given to Ajv as `code.regExp`; re2js is loaded on the first pattern that
 * needs it. Patterns that are linear on JavaScript's engine too
 * ({@link isLinearOnNative}) run natively, at its speed.
 *
 * @param flags - Ajv passes `'u'` or `''`; RE2 always works on code points.
 */
export function linearRegExp(pattern: string, flags: string): LinearPattern {
  if (isLinearOnNative(pattern)) return new RegExp(pattern, flags);
  re2 ??= (createRequire(import.meta.url)('re2js') as Re2Module).RE2JS;
  let compiled: { test(text: string): boolean };
  try {
    compiled = re2.compile(re2.translateRegExp(pattern));
  } catch (error) {
    throw new Error(
      `pattern ${JSON.stringify(pattern)} is not supported by the linear-time engine (RE2: no lookaround, no backreferences): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const key = `/${pattern}/${flags}`;
  return { test: (text) => compiled.test(text), toString: () => key };
}
// Ajv writes this in standalone code only; catalogs compile in process.
linearRegExp.code = 'linearRegExp';
