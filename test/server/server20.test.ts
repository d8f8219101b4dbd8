// socketcluster-server 20.0.1 + socketcluster-client 20.0.2: the stock engine is ag-auth 2.1.1
// (Promises, jsonwebtoken 9). sc-auth-bridge, and a hand-written callback engine wrapped with
// fromLegacyEngine, must behave identically.
import { defineServerSuite, HS256, HS512, RS256 } from './harness/suite';
import { SERVER_MODES } from './harness/modes';

defineServerSuite(20, process.env.SCAB_STOCK_ONLY ? SERVER_MODES : [...SERVER_MODES, 'legacy-wrapped'], [HS256, HS512, RS256]);
