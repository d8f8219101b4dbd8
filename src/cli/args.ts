// Command-line parsing: node:util parseArgs in strict mode, then per-command validation so that a
// flag that means nothing for a command is an error rather than silently ignored.
import { parseArgs } from 'node:util';
import os from 'node:os';
import { UsageError } from './errors';
import type { Target } from './pipeline';

export type Command = 'migrate' | 'check' | 'list' | 'help' | 'version';
export type Format = 'text' | 'json' | 'github' | 'sarif';

export const DEFAULT_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];
export const FORMATS: readonly Format[] = ['text', 'json', 'github', 'sarif'];

export interface CliOptions {
  command: Command;
  paths: string[];
  dry: boolean;
  print: boolean;
  diff: boolean;
  force: boolean;
  target: Target;
  engineNames: string[];
  extensions: string[];
  ignore: string[];
  jobs: number;
  format: Format;
  baseline?: string;
  updateBaseline: boolean;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  dry: { type: 'boolean' },
  print: { type: 'boolean' },
  diff: { type: 'boolean' },
  force: { type: 'boolean' },
  target: { type: 'string' },
  'engine-names': { type: 'string' },
  extensions: { type: 'string' },
  ignore: { type: 'string', multiple: true },
  jobs: { type: 'string', short: 'j' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

// Which flags each command accepts (help/version are accepted everywhere).
const ALLOWED: Record<'migrate' | 'check' | 'list', readonly OptionName[]> = {
  migrate: ['dry', 'print', 'diff', 'force', 'target', 'engine-names', 'extensions', 'ignore', 'jobs', 'format', 'json'],
  check: ['engine-names', 'extensions', 'ignore', 'jobs', 'format', 'json', 'baseline', 'update-baseline'],
  list: ['json'],
};

/**
 * CPU one thread of ours keeps busy: V8 compiles hot code and collects garbage on helper threads
 * beside it. Measured on the 5,000-file bench tree, idle 2-core machine, --jobs 1: migrate --dry
 * used 1.5 s of CPU per second of wall time, check 1.3 s.
 */
const CORES_PER_THREAD = 1.5;

/**
 * Default thread count: the cores not already busy, divided by what one thread keeps busy. A worker
 * thread pays a few hundred ms to load the parsers and warm up, which only pays off on cores nobody
 * else is using, V8's helper threads included. (Measured on an idle 2-core machine: with a second
 * thread, migrate --dry took 2.6 s against 2.1 s on the bench tree, check 1.4 s against 1.3 s; at
 * 500 relevant files migrate gained 5% and check still lost 14%.)
 * (os.loadavg() is [0, 0, 0] on Windows: all cores.)
 */
export function defaultJobs(cores = os.availableParallelism(), load1 = os.loadavg()[0]): number {
  return Math.max(1, Math.min(cores, Math.floor((cores - load1) / CORES_PER_THREAD)));
}

/** parseArgs messages run to several sentences; the contract is one line. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const cut = line.indexOf('. ');
  return cut === -1 ? line : line.slice(0, cut + 1);
}

function splitList(value: string, flag: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs a comma-separated list, got '${value}'`);
  return items;
}

export function parseCommandLine(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${firstSentence((err as Error).message)} (see --help)`);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;

  const base: CliOptions = {
    command: 'help', paths: [], dry: false, print: false, diff: false, force: false,
    target: 'ag-auth', engineNames: [], extensions: DEFAULT_EXTENSIONS, ignore: [],
    jobs: defaultJobs(),
    format: 'text', updateBaseline: false,
  };

  if (first === undefined) {
    if (values.version) return { ...base, command: 'version' };
    if (values.help) return { ...base, command: 'help' };
    throw new UsageError('missing command: expected migrate, check or list (see --help)');
  }
  if (first === 'help') return { ...base, command: 'help' };
  if (first !== 'migrate' && first !== 'check' && first !== 'list') {
    throw new UsageError(`unknown command '${first}': expected migrate, check or list (see --help)`);
  }
  if (values.help) return { ...base, command: 'help' };
  if (values.version) return { ...base, command: 'version' };

  const allowed = new Set<string>(ALLOWED[first]);
  for (const name of Object.keys(values)) {
    if (name === 'help' || name === 'version') continue;
    if (!allowed.has(name)) throw new UsageError(`option '--${name}' is not valid for '${first}' (see --help)`);
  }
  if (first === 'list' && rest.length > 0) throw new UsageError(`'list' takes no paths, got '${rest[0]}'`);

  const opts: CliOptions = { ...base, command: first, paths: rest.length > 0 ? rest : ['.'] };
  opts.dry = values.dry === true;
  opts.print = values.print === true;
  opts.diff = values.diff === true;
  opts.force = values.force === true;

  if (values.target !== undefined) {
    if (values.target !== 'ag-auth' && values.target !== 'bridge') {
      throw new UsageError(`--target must be 'ag-auth' or 'bridge', got '${values.target}'`);
    }
    opts.target = values.target;
  }
  if (values['engine-names'] !== undefined) {
    opts.engineNames = splitList(values['engine-names'], '--engine-names');
    for (const name of opts.engineNames) {
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new UsageError(`--engine-names: '${name}' is not an identifier`);
    }
  }
  if (values.extensions !== undefined) {
    opts.extensions = splitList(values.extensions, '--extensions').map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  }
  if (values.ignore !== undefined) opts.ignore = values.ignore;
  if (values.jobs !== undefined) {
    if (!/^\d+$/.test(values.jobs) || Number(values.jobs) < 1) {
      throw new UsageError(`--jobs must be a positive integer, got '${values.jobs}'`);
    }
    opts.jobs = Number(values.jobs);
  }
  if (values.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(values.format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`);
    }
    opts.format = values.format as Format;
  }
  if (values.json) {
    if (values.format !== undefined && values.format !== 'json') {
      throw new UsageError(`--json conflicts with --format ${values.format}`);
    }
    opts.format = 'json';
  }
  if (opts.format !== 'text' && (opts.print || opts.diff)) {
    // --print/--diff write file contents to stdout, which would corrupt a JSON/SARIF document.
    throw new UsageError(`--print and --diff cannot be combined with --format ${opts.format}`);
  }
  opts.baseline = values.baseline;
  opts.updateBaseline = values['update-baseline'] === true;
  if (opts.updateBaseline && opts.baseline === undefined) {
    throw new UsageError('--update-baseline needs --baseline FILE (the file to write)');
  }
  return opts;
}

export const HELP = `Usage: sc-auth-bridge <command> [options] [paths...]

Move SocketCluster apps from sc-auth (callbacks) to ag-auth (Promises).

Commands:
  migrate [paths...]   rewrite files in place (default path: .), and their package.json files
  check [paths...]     read-only: list every legacy sc-auth usage left; exit 1 if any
                       (info findings alone, e.g. files on the compat engine, exit 0)
  list                 the transforms and rules, one line each

Options for migrate:
  --dry                write nothing (no git check either)
  --print              print each changed file
  --diff               print a unified diff of each changed file
  --force              migrate even files with uncommitted git changes
  --target <t>         ag-auth (default): Promise API; bridge: only swap imports to
                       sc-auth-bridge's compatible engine and leave calls as they are
Options for check:
  --baseline <file>    fail only on findings not recorded in <file>
  --update-baseline    write the current findings to the --baseline file and exit 0
Common options:
  --engine-names a,b   extra receiver names that hold an sc-auth engine
  --extensions list    file extensions to scan (default ${DEFAULT_EXTENSIONS.join(',')})
  --ignore <glob>      skip files matching a gitignore-style glob (repeatable)
  -j, --jobs <n>       threads (default: from the cores not already busy, by load average)
  --format <f>         text (default), json, github (Actions annotations), sarif (2.1.0)
  --json               same as --format json: summary and findings as one JSON document
  -h, --help           this help
  -v, --version        print the version

Files are chosen the way git sees them (.gitignore respected); node_modules, build output and
symlinks are skipped. The files of a run are read as one project (an engine exported by one file
is followed into the files that import it): give it the whole project. A
// sc-auth-bridge-ignore comment above a call keeps it as written and silences its finding.
Exit codes: 0 done/clean, 1 findings left or files failed, 2 bad usage.
`;
