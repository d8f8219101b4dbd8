// socketcluster-server 16.2.1 + socketcluster-client 16.1.1: the stock engine is ag-auth 1.0.1
// (Promises on jsonwebtoken 8).
import { defineServerSuite, HS256, RS256 } from './harness/suite';
import { SERVER_MODES } from './harness/modes';

defineServerSuite(16, SERVER_MODES, [HS256, RS256]);
if (!process.env.SCAB_STOCK_ONLY) defineServerSuite(16, ['legacy-wrapped'], [HS256]);
