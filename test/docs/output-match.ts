// Compares a program's output with the output block the docs show. A line `...` in the expected
// text stands for any number of lines, and `...` inside a line for any text (timings, paths).

function lineMatches(actual: string, expected: string): boolean {
  const parts = expected.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(actual);
}

function clean(text: string): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
}

export function outputMatches(actualText: string, expectedText: string): boolean {
  const actual = clean(actualText);
  const expected = clean(expectedText);
  const match = (a: number, e: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === '...') {
      for (let k = a; k <= actual.length; k++) if (match(k, e + 1)) return true;
      return false;
    }
    return a < actual.length && lineMatches(actual[a], expected[e]) && match(a + 1, e + 1);
  };
  return match(0, 0);
}
