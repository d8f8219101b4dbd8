// A progress bar on stderr, only where a human is watching (a TTY, not under CI) and only once a
// run has taken over a second: short runs and piped output stay clean.
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

// Overridable so tests can see the bar without a slow run.
const SHOW_AFTER_MS = Number(process.env.SC_AUTH_BRIDGE_PROGRESS_AFTER_MS ?? 1000);
const REDRAW_MS = 100;
const WIDTH = 30;

export function progressWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return stream.isTTY === true && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

export function createProgress(total: number, label: string, stream: NodeJS.WriteStream, env = process.env): Progress {
  if (!progressWanted(stream, env) || total === 0) return { tick() {}, done() {} };
  const started = Date.now();
  let count = 0;
  let shown = false;
  let lastDraw = 0;
  const draw = (): void => {
    const ratio = Math.min(1, count / total);
    const filled = Math.round(ratio * WIDTH);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${count}/${total}`);
    shown = true;
    lastDraw = Date.now();
  };
  // The timer makes the bar appear even while the main thread waits on workers; unref'd so it
  // never keeps the process alive.
  const timer = setInterval(() => {
    if (Date.now() - started >= SHOW_AFTER_MS) draw();
  }, REDRAW_MS);
  timer.unref();
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - started >= SHOW_AFTER_MS && now - lastDraw >= REDRAW_MS) draw();
    },
    done() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
