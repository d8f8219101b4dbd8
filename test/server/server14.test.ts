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

// The hand-written callback engine of server-child.js, unwrapped: on 14 it is native, so this is
// the baseline the fromLegacyEngine run on 20 is held to.
defineServerSuite(14, ['legacy-raw'], [HS256]);
