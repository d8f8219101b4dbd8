// socketcluster-server 14.7.2 + socketcluster-client 14.3.2: the stock engine is sc-auth 5.0.2
// (callbacks); sc-auth-bridge must behave identically through `authEngine` and `setAuthEngine`.
import { defineServerSuite, HS256, HS512, RS256 } from './harness/suite';
import { SERVER_MODES } from './harness/modes';

defineServerSuite(14, SERVER_MODES, [
  HS256,
  HS512,
  RS256,
  { ...HS256, label: 'HS256 authSignAsync: true', extra: { authSignAsync: true } },
  { ...HS256, label: 'HS256 authVerifyAsync: false', extra: { authVerifyAsync: false } },
]);

// The hand-written callback engine of server-child.js: raw it is native to 14 (the baseline the
// fromLegacyEngine runs are held to); wrapped, the same object must still work on 14, so a team
// can wrap once and run 14 and 20 side by side during a rolling upgrade.
defineServerSuite(14, process.env.SCAB_STOCK_ONLY ? ['legacy-raw'] : ['legacy-raw', 'legacy-wrapped'], [HS256]);
