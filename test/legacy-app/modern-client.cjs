'use strict';
// The sample app's client.js walk-through, written for socketcluster-client 15+ (async iterators,
// invoke/transmit, Promise-based token store). The test runs it against the migrated app on
// socketcluster-server 20 to show a modern client sees the same as the legacy one.
// SC_CLIENT: path of the socketcluster-client package; PORT, EXPIRED_TOKEN as for client.js.
const socketClusterClient = require(process.env.SC_CLIENT);

const PORT = Number(process.env.PORT);
// Client 15+ names the stored token per host and port by default; fix the name so the stores below
// can be seeded with a token.
const TOKEN_NAME = 'socketCluster.authToken';
const sockets = [];
const watchdog = setTimeout(() => {
  console.log('TIMEOUT');
  process.exit(1);
}, 15000);

class TokenStore {
  constructor(token) {
    this.tokens = token ? { [TOKEN_NAME]: token } : {};
  }
  async saveToken(name, token) {
    this.tokens[name] = token;
    return token;
  }
  async removeToken(name) {
    const token = this.tokens[name] || null;
    delete this.tokens[name];
    return token;
  }
  async loadToken(name) {
    return this.tokens[name] || null;
  }
}

async function connect(store) {
  const socket = socketClusterClient.create({
    hostname: '127.0.0.1',
    port: PORT,
    autoReconnect: false,
    ackTimeout: 5000,
    authEngine: store,
    authTokenName: TOKEN_NAME,
    // The app's server keeps protocol 1 for its socketcluster-client 14 users.
    protocolVersion: 1
  });
  sockets.push(socket);
  const status = await socket.listener('connect').once();
  return { socket, status };
}

const describeError = (err) => (err ? `${err.name}: ${err.message}` : 'ok');
const describeStatus = (status) => `authenticated=${status.isAuthenticated}` + (status.authError ? ` ${describeError(status.authError)}` : '');
const settle = (promise) => promise.then((value) => [null, value], (err) => [err]);

function tamper(signedToken) {
  const last = signedToken.charAt(signedToken.length - 2);
  return signedToken.slice(0, -2) + (last === 'A' ? 'B' : 'A') + signedToken.slice(-1);
}

async function main() {
  const store = new TokenStore();
  const { socket, status } = await connect(store);
  console.log(`connect: ${describeStatus(status)}`);
  const chatMessages = [];
  (async () => {
    for await (const message of socket.subscribe('chat')) chatMessages.push(message.text);
  })();

  let [err] = await settle(socket.invokePublish('chat', { text: 'anyone?' }));
  console.log(`publish chat as guest: ${describeError(err)}`);
  [err] = await settle(socket.invoke('login', { username: 'bob', password: 'wrong' }));
  console.log(`login bob with a wrong password: ${describeError(err)}`);
  let result;
  [err, result] = await settle(socket.invoke('login', { username: 'bob', password: 'builder' }));
  const apiToken = result && result.apiToken;
  console.log(`login bob: ${describeError(err)}, api token ${apiToken ? 'issued' : 'missing'}`);
  if (socket.authState !== 'authenticated') await socket.listener('authenticate').once();
  // Client 15+ saves the token asynchronously after the state change.
  for (let i = 0; i < 50 && store.tokens[TOKEN_NAME] !== socket.signedAuthToken; i++) await new Promise((r) => setTimeout(r, 10));
  console.log(`token saved in the store: ${store.tokens[TOKEN_NAME] === socket.signedAuthToken}`);

  console.log(`whoami: ${await socket.invoke('whoami', null)}`);
  [err] = await settle(socket.invokePublish('chat', { text: 'hello' }));
  for (let i = 0; i < 100 && chatMessages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  console.log(`publish chat as bob: ${describeError(err)}, received ${JSON.stringify(chatMessages)}`);
  [err] = await settle(socket.invokePublish('announcements', { text: 'free cake' }));
  console.log(`publish announcements as bob: ${describeError(err)}`);
  console.log(`api token: ${JSON.stringify(await socket.invoke('checkApiToken', apiToken))}`);
  console.log(`tampered api token: ${JSON.stringify(await socket.invoke('checkApiToken', tamper(apiToken)))}`);
  const signedToken = socket.signedAuthToken;
  socket.disconnect();

  const again = await connect(store);
  console.log(`reconnect with the saved token: ${describeStatus(again.status)}`);
  console.log(`whoami after reconnect: ${await again.socket.invoke('whoami', null)}`);
  const tampered = await connect(new TokenStore(tamper(signedToken)));
  console.log(`connect with a tampered token: ${describeStatus(tampered.status)}`);
  const expired = await connect(new TokenStore(process.env.EXPIRED_TOKEN));
  console.log(`connect with an expired token: ${describeStatus(expired.status)}`);
  console.log(`server stats: ${JSON.stringify(await again.socket.invoke('stats', null))}`);
}

main().then(
  () => {
    for (const socket of sockets) socket.disconnect();
    clearTimeout(watchdog);
    process.exit(0);
  },
  (err) => {
    console.log(`FAILED ${err.stack}`);
    process.exit(1);
  }
);
