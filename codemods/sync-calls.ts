import type { Context } from './lib/context';
import { standalone } from './lib/run';

export function syncCallsStep(ctx: Context): void {
  void ctx;
}

export default standalone('sync-calls', [['sync-calls', syncCallsStep]]);
