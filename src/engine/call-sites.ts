/**
 * Finds callback-style (legacy) calls at run time. Each call site is identified by the caller's
 * file:line:column from a one-frame stack capture; the first call from a site emits one
 * DeprecationWarning through process.emitWarning, so `--no-deprecation` (also in NODE_OPTIONS)
 * silences it and `--throw-deprecation` / `--trace-deprecation` work the Node way.
 *
 * A stack capture costs about as much as a whole HS256 verify (measured with --cpu-prof), which
 * would make callback mode slower than sc-auth 5. So after `SETTLE_AFTER` captures in a row that
 * found no new site, only every `interval`-th call is captured (16, then 64 and 256 after each further
 * `SETTLE_AFTER` known-site captures), and a sampled hit counts for `interval`
 * calls (`exact: false` from then on for that site). A capture that finds a new site switches back
 * to capturing every call. The price: once settled, a site called only a few times may be missed
 * (found with probability about calls/interval); every site of a short run is found.
 */

export const CALLBACK_WARNING_CODE = 'SC_AUTH_BRIDGE_CALLBACK';

const SETTLE_AFTER = 200;
const FIRST_INTERVAL = 16;
const MAX_INTERVAL = 256;

export interface LegacyCallSite {
  /** 'signToken' or 'verifyToken'. */
  method: string;
  /** File of the caller (a path, or a URL for ES modules); '<unknown>' when the stack had no frame. */
  file: string;
  line: number;
  column: number;
  /** Calls seen from this site (an estimate once sampling started: see `exact`). */
  count: number;
  /** False once the count includes sampled estimates. */
  exact: boolean;
}

interface Frame {
  file: string;
  line: number;
  column: number;
}

type StackFn = (...args: never[]) => unknown;

/** Process-wide: one warning per call site even when several engines are used from it. */
const warnedSites = new Set<string>();

function callerFrame(boundary: StackFn): Frame {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const previousLimit = Error.stackTraceLimit;
  const previousPrepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 1;
  // Structured frames: no string formatting, no parsing of `at ...` lines.
  Error.prepareStackTrace = (_error, frames) => frames;
  try {
    Error.captureStackTrace(holder, boundary);
    const frames = holder.stack;
    const frame = Array.isArray(frames) ? frames[0] : undefined;
    if (!frame) return { file: '<unknown>', line: 0, column: 0 };
    return {
      file: frame.getFileName() ?? frame.getScriptNameOrSourceURL?.() ?? '<anonymous>',
      line: frame.getLineNumber() ?? 0,
      column: frame.getColumnNumber() ?? 0,
    };
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

export interface CallSiteTrackerOptions {
  /** Emit a DeprecationWarning for the first call from each site (default true). */
  warnings: boolean;
}

export class CallSiteTracker {
  private readonly sites = new Map<string, LegacyCallSite>();
  private knownStreak = 0;
  /** 1 = capture every call; otherwise capture one call in `interval`. */
  private interval = 1;
  private skipped = 0;

  constructor(private readonly options: CallSiteTrackerOptions) {}

  record(method: string, boundary: StackFn): void {
    if (this.interval > 1 && ++this.skipped < this.interval) return;
    this.skipped = 0;

    const frame = callerFrame(boundary);
    const id = `${method}\u0000${frame.file}:${frame.line}:${frame.column}`;
    const site = this.sites.get(id);
    if (site !== undefined) {
      site.count += this.interval;
      if (this.interval > 1) site.exact = false;
      if (++this.knownStreak >= SETTLE_AFTER) {
        this.knownStreak = 0;
        this.interval = this.interval === 1 ? FIRST_INTERVAL : Math.min(this.interval * 4, MAX_INTERVAL);
      }
      return;
    }
    this.interval = 1;
    this.knownStreak = 0;
    this.sites.set(id, { method, file: frame.file, line: frame.line, column: frame.column, count: 1, exact: true });
    if (this.options.warnings && !warnedSites.has(id)) {
      warnedSites.add(id);
      process.emitWarning(
        `sc-auth-bridge: callback-style ${method}() called at ${frame.file}:${frame.line}:${frame.column}. ` +
          `Callbacks are the legacy sc-auth API; drop the callback and await the returned Promise ` +
          `(npx sc-auth-bridge migrate rewrites such calls).`,
        { type: 'DeprecationWarning', code: CALLBACK_WARNING_CODE },
      );
    }
  }

  list(): LegacyCallSite[] {
    return [...this.sites.values()].map((site) => ({ ...site }));
  }
}
