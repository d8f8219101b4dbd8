import type { Context } from './lib/context';
import { standalone } from './lib/run';

export function legacyEnginesStep(ctx: Context): void {
  void ctx;
}

export default standalone('legacy-engines', [['legacy-engines', legacyEnginesStep]]);
