// A real OpenID Connect provider (panva's oidc-provider, OpenID certified) for the test suite, on 127.0.0.1.
//
// Configuration, all from the environment (tests/plugins/oidc.py sets it):
//   OIDC_PORT          the port to listen on (127.0.0.1 only); the issuer is http://127.0.0.1:<port>
//   OIDC_CLIENTS       JSON list of client metadata, e.g. [{"client_id", "client_secret", "redirect_uris": [...]}]
//   OIDC_ACCOUNTS      JSON object {sub: {email, email_verified, name}}: the only people who can sign in
//   OIDC_ADMIN_TOKEN   bearer token for the test-only admin routes below (required)
//   OIDC_PKCE_REQUIRED "1" to refuse authorization requests without PKCE (S256) from every client
//
// Test-only admin routes (Authorization: Bearer <OIDC_ADMIN_TOKEN>), so a session-wide server can take
// clients and accounts that each test defines:
//   PUT /__admin/clients/<client_id>   body: client metadata (JSON)  -> 204, or 400 {error, error_description}
//   PUT /__admin/accounts/<sub>        body: {email, email_verified, name} -> 204
//
// Interactions are oidc-provider's own development interactions (a login form where the login is the
// account's sub, then a consent form); a sub that is not an account is refused at the end of the login.
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

function fromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${error.message}`);
  }
}

const port = Number.parseInt(process.env.OIDC_PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0) throw new Error('OIDC_PORT must be a port number');
const adminToken = process.env.OIDC_ADMIN_TOKEN ?? '';
if (adminToken.length < 16) throw new Error('OIDC_ADMIN_TOKEN must be set (16 characters at least)');
const issuer = `http://127.0.0.1:${port}`;

const accounts = new Map(Object.entries(fromEnv('OIDC_ACCOUNTS', {})));
const clients = fromEnv('OIDC_CLIENTS', []).map(withDefaults);

function withDefaults(metadata) {
  // allauth posts the client secret in the body when discovery offers client_secret_post, so that is the default here.
  return {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...metadata,
  };
}

// A fresh signing key per process: the tests fetch it from jwks_uri like any relying party would.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const pkceRequired = process.env.OIDC_PKCE_REQUIRED === '1';

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // The claims the scopes grant go into the ID token too (not only userinfo): allauth's token flow only has the ID token.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
  },
  pkce: {
    required: (ctx, client) => pkceRequired || client.clientAuthMethod === 'none',
  },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: account.email_verified ?? false, name: account.name };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

// A login form submitted with a sub that is no account ends the interaction with access_denied, as a real
// provider refuses an unknown user (the dev interactions would otherwise accept any login).
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
    const body = await readBody(ctx.req);
    const form = new URLSearchParams(body);
    if (form.get('prompt') === 'login' && !accounts.has(form.get('login') ?? '')) {
      await provider.interactionFinished(ctx.req, ctx.res, {
        error: 'access_denied',
        error_description: 'unknown account',
      }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return undefined;
    }
    // The body was consumed here: hand it to oidc-provider's own parser already read.
    ctx.req.body = body;
  }
  if (ctx.path.startsWith('/__admin/')) return admin(ctx);
  return next();
});

async function admin(ctx) {
  const presented = Buffer.from(ctx.get('authorization'));
  const expected = Buffer.from(`Bearer ${adminToken}`);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    ctx.status = 401;
    return;
  }
  const match = /^\/__admin\/(clients|accounts)\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'PUT') {
    ctx.status = 404;
    return;
  }
  let body;
  try {
    body = JSON.parse(await readBody(ctx.req));
  } catch {
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: 'body is not JSON' };
    return;
  }
  const id = decodeURIComponent(match[2]);
  if (match[1] === 'accounts') {
    accounts.set(id, body);
    ctx.status = 204;
    return;
  }
  const metadata = withDefaults({ ...body, client_id: id });
  try {
    // Validate now (the same schema the provider applies on use), so a bad registration fails the test that made it.
    // eslint-disable-next-line no-new
    new provider.Client(metadata);
  } catch (error) {
    ctx.status = 400;
    ctx.body = { error: error.error ?? 'invalid_client_metadata', error_description: error.error_description ?? error.message };
    return;
  }
  await provider.Client.adapter.upsert(id, metadata);
  ctx.status = 204;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

provider.on('server_error', (ctx, error) => {
  console.error('oidc-provider server_error', error);
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

export { errors };
