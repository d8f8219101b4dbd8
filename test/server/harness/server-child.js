'use strict';
// A real socketcluster-server (14, 16 or 20) in its own process, driven over IPC by
// server-handle.ts. A separate process because a broken engine on 14 can crash the process
// (a synchronous throw, or an unhandled rejection on Node 20), and the test runner must survive
// that and report it.
//
// IPC in:  {type:'start', version, mode, serverOptions, engineDefaults?}   mode: see makeEngine()
//          {type:'sync', id}  -> {type:'synced', id}  (everything emitted before is already sent)
//          {type:'calls'} -> {type:'calls', calls}  (engine calls recorded in 'record' mode)
//          {type:'stop'}
// IPC out: {type:'listening', port, engine} | {type:'event', ...} | {type:'fatal', ...}

const http = require('http');
const path = require('path');

// Bounded life even if the parent forgets us (the parent also kills us on close).
const MAX_LIFE_MS = Number(process.env.SCAB_CHILD_MAX_LIFE_MS || 180000);
setTimeout(() => process.exit(3), MAX_LIFE_MS).unref();
process.on('disconnect', () => process.exit(0));

function send(msg) {
  if (process.connected) process.send(msg);
}

function errInfo(err) {
  if (err == null) return null;
  return { name: err.name, message: err.message };
}

process.on('uncaughtException', (err) => {
  send({ type: 'fatal', kind: 'uncaughtException', error: errInfo(err) });
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});
process.on('unhandledRejection', (err) => {
  send({ type: 'fatal', kind: 'unhandledRejection', error: errInfo(err) });
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});

// The parent starts us with --no-warnings: warnings are not printed but still emitted, and we
// forward them so tests can assert sc-auth-bridge's deprecation warning.
process.on('warning', (w) => send({ type: 'event', name: 'processWarning', warning: { name: w.name, code: w.code, message: w.message } }));

const BRIDGE_PATH = path.resolve(__dirname, '../../../dist/src/index.js');
const recordedCalls = [];
let bridgeEngine = null;

// A hand-written engine of the SocketCluster 14 era: callback style, jsonwebtoken directly,
// try/catch around synchronous calls. This is the shape fromLegacyEngine exists for.
function handWrittenLegacyEngine() {
  const jwt = require('jsonwebtoken');
  return {
    signToken(token, key, options, callback) {
      const opts = Object.assign({}, options);
      delete opts.async;
      let signed;
      try {
        signed = jwt.sign(token, key, opts);
      } catch (err) {
        callback(err);
        return;
      }
      callback(null, signed);
    },
    verifyToken(signedToken, key, options, callback) {
      const opts = Object.assign({}, options);
      delete opts.async;
      delete opts.socket;
      let decoded;
      try {
        decoded = jwt.verify(signedToken || '', key, opts);
      } catch (err) {
        callback(err);
        return;
      }
      callback(null, decoded);
    },
  };
}

function describeArgs(args) {
  // What the server hands the engine: argument count, option keys and values that matter.
  const options = args[2];
  const opts = {};
  if (options && typeof options === 'object') {
    for (const k of Object.keys(options).sort()) {
      const v = options[k];
      opts[k] = k === 'socket' ? typeof v : v;
    }
  }
  return {
    argc: args.length,
    tokenType: args[0] === null ? 'null' : typeof args[0],
    keyType: typeof args[1],
    options: opts,
    callbackType: typeof args[3],
  };
}

// Records every call the server makes, then calls through unchanged.
function recording(engine) {
  const wrap = (method) =>
    function (...args) {
      const call = Object.assign({ method }, describeArgs(args));
      const ret = engine[method].apply(engine, args);
      call.returned = ret && typeof ret.then === 'function' ? 'promise' : typeof ret;
      recordedCalls.push(call);
      return ret;
    };
  return { signToken: wrap('signToken'), verifyToken: wrap('verifyToken') };
}

function makeEngine(mode, engineDefaults) {
  switch (mode) {
    case 'stock':
    case 'record-stock':
      return null;
    case 'bridge':
    case 'bridge-set':
    case 'record-bridge': {
      const AuthEngine = require(BRIDGE_PATH);
      return engineDefaults ? new AuthEngine(engineDefaults) : new AuthEngine();
    }
    case 'legacy-wrapped': {
      const { fromLegacyEngine } = require(BRIDGE_PATH);
      return fromLegacyEngine(handWrittenLegacyEngine());
    }
    case 'legacy-raw':
      return handWrittenLegacyEngine();
    case 'ag-auth': {
      // ag-auth 2.1.1 dropped into a server that expects callbacks (14): a mid-migration mistake.
      const AgAuth = require('ag-auth');
      return new AgAuth();
    }
    default:
      throw new Error(`unknown engine mode ${mode}`);
  }
}

function engineLabel(server) {
  const e = server.auth;
  return (e && e.constructor && e.constructor.name) || typeof e;
}

function start({ version, mode, serverOptions, engineDefaults }) {
  const scs = require(`socketcluster-server-${version}`);
  const options = Object.assign({}, serverOptions);
  const engine = makeEngine(mode, engineDefaults);
  bridgeEngine = engine && typeof engine.legacyCallSites === 'function' ? engine : null;
  const setLater = mode === 'bridge-set';
  if (engine && !setLater) options.authEngine = engine;
  const httpServer = http.createServer();
  const server = scs.attach(httpServer, options);
  if (setLater) server.setAuthEngine(engine);
  if (mode === 'record-stock' || mode === 'record-bridge') {
    server.setAuthEngine(recording(server.auth));
  }
  if (version === 14) wire14(server);
  else wireAsync(server);
  httpServer.listen(0, '127.0.0.1', () => {
    send({ type: 'listening', port: httpServer.address().port, engine: engineLabel(server) });
  });
  process.on('message', (msg) => {
    if (msg.type === 'stop') {
      try {
        server.close();
      } catch (_) {}
      httpServer.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
    }
  });
}

function tokenView(t) {
  return t == null ? null : JSON.parse(JSON.stringify(t));
}

// socketcluster-server 14: EventEmitter API, callbacks.
function wire14(server) {
  server.on('error', (err) => send({ type: 'event', name: 'serverError', error: errInfo(err) }));
  server.on('warning', (err) => send({ type: 'event', name: 'serverWarning', error: errInfo(err) }));
  server.on('badSocketAuthToken', (socket, status) => {
    send({
      type: 'event',
      name: 'badSocketAuthToken',
      socketId: socket.id,
      authError: errInfo(status.authError),
      signedAuthToken: status.signedAuthToken,
    });
  });
  server.on('connection', (socket, status) => {
    send({
      type: 'event',
      name: 'connection',
      socketId: socket.id,
      isAuthenticated: status.isAuthenticated,
      authError: errInfo(status.authError),
      authToken: tokenView(socket.authToken),
    });
    socket.on('error', (err) => send({ type: 'event', name: 'socketError', socketId: socket.id, error: errInfo(err) }));
    socket.on('close', (code) => send({ type: 'event', name: 'socketClose', socketId: socket.id, code }));
    socket.on('login', (data, respond) => {
      // noCatch: the 14-era fire-and-forget call, no callback.
      const returned = data.noCatch
        ? socket.setAuthToken(data.payload, data.options)
        : socket.setAuthToken(data.payload, data.options, (err) => {
            send({ type: 'event', name: 'setAuthTokenDone', socketId: socket.id, error: errInfo(err) });
          });
      send({
        type: 'event',
        name: 'setAuthTokenReturned',
        socketId: socket.id,
        returned: returned && typeof returned.then === 'function' ? 'promise' : typeof returned,
      });
      respond(null, { signedAuthToken: socket.signedAuthToken || null });
    });
    socket.on('whoami', (data, respond) => {
      respond(null, { authState: socket.authState, authToken: tokenView(socket.authToken) });
    });
  });
}

// socketcluster-server 15+: async iterables, Promises.
function wireAsync(server) {
  const pump = async (iterable, fn) => {
    for await (const item of iterable) fn(item);
  };
  pump(server.listener('error'), ({ error }) => send({ type: 'event', name: 'serverError', error: errInfo(error) }));
  pump(server.listener('warning'), ({ warning }) =>
    send({ type: 'event', name: 'serverWarning', error: errInfo(warning) }),
  );
  pump(server.listener('badSocketAuthToken'), ({ socket, authError, signedAuthToken }) => {
    send({ type: 'event', name: 'badSocketAuthToken', socketId: socket.id, authError: errInfo(authError), signedAuthToken });
  });
  pump(server.listener('connection'), ({ socket, isAuthenticated, authError }) => {
    send({
      type: 'event',
      name: 'connection',
      socketId: socket.id,
      isAuthenticated,
      authError: errInfo(authError),
      authToken: tokenView(socket.authToken),
    });
    pump(socket.listener('error'), ({ error }) =>
      send({ type: 'event', name: 'socketError', socketId: socket.id, error: errInfo(error) }),
    );
    pump(socket.listener('close'), ({ code }) => send({ type: 'event', name: 'socketClose', socketId: socket.id, code }));
    pump(socket.procedure('login'), async (req) => {
      const noCatch = req.data && req.data.noCatch;
      const p = socket.setAuthToken(req.data.payload, req.data.options);
      send({
        type: 'event',
        name: 'setAuthTokenReturned',
        socketId: socket.id,
        returned: p && typeof p.then === 'function' ? 'promise' : typeof p,
      });
      if (noCatch) {
        // The 14-era habit: fire and forget. On 15+ a failed sign becomes an unhandled rejection.
        req.end({ signedAuthToken: null });
        return;
      }
      try {
        await p;
        send({ type: 'event', name: 'setAuthTokenDone', socketId: socket.id, error: null });
        req.end({ signedAuthToken: socket.signedAuthToken || null });
      } catch (err) {
        send({ type: 'event', name: 'setAuthTokenDone', socketId: socket.id, error: errInfo(err) });
        req.error(err);
      }
    });
    pump(socket.procedure('whoami'), (req) => {
      req.end({ authState: socket.authState, authToken: tokenView(socket.authToken) });
    });
  });
}

process.on('message', (msg) => {
  if (msg.type === 'start') {
    try {
      start(msg);
    } catch (err) {
      send({ type: 'fatal', kind: 'start', error: errInfo(err) });
      setImmediate(() => process.exit(2));
    }
  } else if (msg.type === 'sync') {
    // Anything the server emitted for earlier work has been queued on the IPC channel already:
    // a round trip through the event loop makes the order deterministic.
    setImmediate(() => send({ type: 'synced', id: msg.id }));
  } else if (msg.type === 'callSites') {
    send({ type: 'callSites', callSites: bridgeEngine ? bridgeEngine.legacyCallSites() : null });
  } else if (msg.type === 'calls') {
    send({ type: 'calls', calls: recordedCalls.splice(0) });
  }
});
