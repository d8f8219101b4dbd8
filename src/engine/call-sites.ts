/**
 * Finds callback-style (legacy) calls at run time. Each call site is identified by the caller's
 * file:line:column from a one-frame stack capture; the first call from a site emits one
 * DeprecationWarning through process.emitWarning, so `--no-deprecation` (also in NODE_OPTIONS)
 * silences it and `--throw-deprecation` / `--trace-deprecation` work the Node way.
 *
 * A stack capture costs 30 to 100 us of CPU in a real call chain (measured; V8 walks and formats the
 * frame), several times an HS256 verify, which would make callback mode slower than sc-auth 5. So
 * once `SETTLE_AFTER` captures in a row found no new site, a call is located only if `MIN_GAP_MS`
 * passed since the last capture (at most 10 captures per second, whatever the traffic; Date.now()
 * costs ~0.1 us). The calls skipped in between are counted for the next capture of the same
 * site (`exact: false` from then on for that site). Light traffic (calls further apart than the
 * gap) is still located call by call, and a capture that finds a new site switches back to locating
 * every call. The price: under heavy traffic a site used only a few times may be missed; every site
 * of a short run (a test, a script) is found.
 */

export const CALLBACK_WARNING_CODE = 'SC_AUTH_BRIDGE_CALLBACK';

const SETTLE_AFTER = 200;
const MIN_GAP_MS = 100;

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

/** `    at fn (file:line:col)` or `    at file:line:col` (also `async fn`, `new C`, eval frames). */
const FRAME_LINE = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

function callerFrame(boundary: StackFn): Frame {
  const holder: { stack?: string } = {};
  const previousLimit = Error.stackTraceLimit;
  // One frame, formatted by whatever Error.prepareStackTrace is installed: with source-map-support
  // the warning then names the TypeScript line. An unexpected format yields '<unknown>'.
  Error.stackTraceLimit = 1;
  try {
    Error.captureStackTrace(holder, boundary);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  const stack = typeof holder.stack === 'string' ? holder.stack : '';
  const newline = stack.indexOf('\n');
  const match = newline < 0 ? null : FRAME_LINE.exec(stack.slice(newline + 1));
  if (match === null) return { file: '<unknown>', line: 0, column: 0 };
  return { file: match[1], line: Number(match[2]), column: Number(match[3]) };
}

export interface CallSiteTrackerOptions {
  /** Emit a DeprecationWarning for the first call from each site (default true). */
  warnings: boolean;
}

export class CallSiteTracker {
  private readonly sites = new Map<string, LegacyCallSite>();
  private knownStreak = 0;
  private settled = false;
  private skipped = 0;
  private lastCapture = 0;
  private lastSite: LegacyCallSite | undefined;

  constructor(private readonly options: CallSiteTrackerOptions) {}

  record(method: string, boundary: StackFn): void {
    if (this.settled) {
      const now = Date.now();
      if (now - this.lastCapture < MIN_GAP_MS) {
        this.skipped++;
        return;
      }
      this.lastCapture = now;
    }
    const frame = callerFrame(boundary);
    const id = `${method}\u0000${frame.file}:${frame.line}:${frame.column}`;
    const site = this.sites.get(id);
    if (site !== undefined) {
      site.count += this.skipped + 1;
      if (this.skipped > 0) site.exact = false;
      this.skipped = 0;
      this.lastSite = site;
      if (!this.settled && ++this.knownStreak >= SETTLE_AFTER) {
        this.settled = true;
        this.lastCapture = Date.now();
      }
      return;
    }
    // A new site: the calls skipped since the last capture most likely came from the busy site
    // seen last, not from this one.
    if (this.skipped > 0 && this.lastSite !== undefined) {
      this.lastSite.count += this.skipped;
      this.lastSite.exact = false;
    }
    this.skipped = 0;
    this.settled = false;
    this.knownStreak = 0;
    const created: LegacyCallSite = { method, file: frame.file, line: frame.line, column: frame.column, count: 1, exact: true };
    this.sites.set(id, created);
    this.lastSite = created;
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
