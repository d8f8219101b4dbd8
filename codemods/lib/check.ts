import type { Context } from './context';

/** Read-only scan for every legacy usage left in a file. */
export function checkStep(ctx: Context): void {
  void ctx;
}
