import type { EngineMode } from './server-handle';

// Until the engine is built, SCAB_STOCK_ONLY=1 runs the stock half alone.
export const SERVER_MODES: EngineMode[] = process.env.SCAB_STOCK_ONLY ? ['stock'] : ['stock', 'bridge', 'bridge-set'];
