import type { Context } from './lib/context';
import { standalone } from './lib/run';

export function importsStep(ctx: Context): void {
  void ctx;
}

export default standalone('imports', [['imports', importsStep]]);
