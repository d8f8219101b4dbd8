import type { Context } from './lib/context';
import { standalone } from './lib/run';

export function asyncOptionStep(ctx: Context): void {
  void ctx;
}

export default standalone('async-option', [['async-option', asyncOptionStep]]);
