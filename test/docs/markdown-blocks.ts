// Fenced code blocks of a Markdown file, with the info string split into a language and flags.
// Flags are `word` or `key=value`; GitHub only looks at the first word, so they render normally.
import { readFileSync } from 'node:fs';

export interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  flags: Record<string, string | true>;
  code: string;
}

export function readBlocks(path: string, doc: string): Block[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```+)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const [lang = '', ...rest] = open[2].trim().split(/\s+/).filter(Boolean);
    const flags: Record<string, string | true> = {};
    for (const word of rest) {
      const eq = word.indexOf('=');
      if (eq > 0) flags[word.slice(0, eq)] = word.slice(eq + 1);
      else flags[word] = true;
    }
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== fence) body.push(lines[j++]);
    if (j >= lines.length) throw new Error(`${doc}:${i + 1}: unclosed code fence`);
    blocks.push({ doc, line: i + 1, lang, flags, code: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

export function where(block: Block): string {
  return `${block.doc}:${block.line} (\`\`\`${block.lang}${Object.entries(block.flags)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}=${v}`))
    .join('')})`;
}
