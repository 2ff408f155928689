// A real OpenID Connect provider for Willkommen's SSO tests: the certified npm package
// oidc-provider with a small configuration. Started by tests/sso/conftest.py on a free
// loopback port; everything it needs comes from the environment:
//
//   PORT, ISSUER            where it listens and the issuer it names in its tokens
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS (comma-separated)
//   USERS_FILE              JSON {login: {password, otp, disabled, groups, given_name, ...}},
//                           read on every request so that a test can change a group or
//                           disable an account while the provider runs
//   CLOCK_OFFSET_MS         added to the clock, so that the provider agrees with a test
//                           suite that runs at another moment (pytest --clock)
//   TTL_*                   token lifetimes in seconds (short by default)
//
// Logins happen on a plain HTML form at /interaction/<uid>; a correct one-time code
// ("otp") turns the login into a multi-factor one: acr MFA_ACR, amr ["pwd", "otp"].
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import { Provider } from 'oidc-provider';

const offset = Number(process.env.CLOCK_OFFSET_MS || 0);
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}

const env = (name, fallback) => process.env[name] ?? fallback;
const list = (name) => env(name, '').split(',').filter(Boolean);
const PWD_ACR = 'urn:willkommen:test:pwd';
const MFA_ACR = 'urn:willkommen:test:mfa';

function users() {
  return JSON.parse(readFileSync(env('USERS_FILE'), 'utf8'));
}

async function findAccount(ctx, sub) {
  const user = users()[sub];
  if (!user || user.disabled) return undefined;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        preferred_username: sub,
        given_name: user.given_name ?? sub,
        family_name: user.family_name ?? '',
        name: `${user.given_name ?? sub} ${user.family_name ?? ''}`.trim(),
        email: user.email ?? `${sub}@example.org`,
        groups: user.groups ?? [],
        ...(user.languages ? { languages: user.languages } : {}),
        ...(user.topics ? { topics: user.topics } : {}),
      };
    },
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(env('ISSUER'), {
  clients: [{
    client_id: env('CLIENT_ID', 'willkommen'),
    client_secret: env('CLIENT_SECRET', 'test-secret'),
    redirect_uris: list('REDIRECT_URIS'),
    post_logout_redirect_uris: list('POST_LOGOUT_REDIRECT_URIS'),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['willkommen-test-only-cookie-key'] },
  findAccount,
  acrValues: [PWD_ACR, MFA_ACR],
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    // acr and amr come from the login (below); listing them under openid puts them into
    // every ID token, as Keycloak does.
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'languages', 'topics'],
    email: ['email'],
    groups: ['groups'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  // Every login of our one client is a refresh-token login: that is how Willkommen
  // re-validates a session against the provider.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => true },
  ttl: {
    AccessToken: Number(env('TTL_ACCESS_TOKEN', 120)),
    AuthorizationCode: Number(env('TTL_AUTHORIZATION_CODE', 60)),
    IdToken: Number(env('TTL_ID_TOKEN', 120)),
    RefreshToken: Number(env('TTL_REFRESH_TOKEN', 600)),
    Interaction: Number(env('TTL_INTERACTION', 600)),
    Session: Number(env('TTL_SESSION', 3600)),
    Grant: 3600,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The interaction form in the test is tiny; oidc-provider's own defaults would render it.
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>error</title><p id="error">${out.error}: ${out.error_description}</p>`;
  },
});
provider.proxy = false;

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function loginPage(res, uid, message = '') {
  res.statusCode = message ? 401 : 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><title>Test provider login</title>
<h1>Test identity provider</h1><p id="message">${message}</p>
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" id="login"></label>
<label>Password <input name="password" id="password" type="password"></label>
<label>One-time code <input name="otp" id="otp"></label>
<button type="submit">Sign in</button></form></html>`);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'consent') {
    // A first-party client: consent is implied for everything it asks for.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (action !== 'login' || req.method !== 'POST') return loginPage(res, uid);
  const form = await readBody(req);
  const login = form.get('login') || '';
  const user = users()[login];
  if (!user || user.password !== form.get('password') || user.disabled) {
    return loginPage(res, uid, 'Invalid login');
  }
  const mfa = Boolean(user.otp) && form.get('otp') === user.otp;
  return provider.interactionFinished(req, res, {
    login: { accountId: login, acr: mfa ? MFA_ACR : PWD_ACR, amr: mfa ? ['pwd', 'otp'] : ['pwd'] },
  }, { mergeWithLastSubmission: false });
}

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?/.exec(req.url);
  if (!match) return handler(req, res);
  try {
    return await interaction(req, res, match[1], match[2]);
  } catch (error) {
    res.statusCode = 400;
    res.end(String(error));
  }
});
server.listen(Number(env('PORT')), '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${env('ISSUER')}`);
});
