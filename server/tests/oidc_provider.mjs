// A small OpenID Connect provider for the tests (npm's oauth2-mock-server): it signs ID tokens with a fresh RS256
// key, checks PKCE, echoes the nonce, and approves every sign-in at once. Its ID tokens say who signs in through
// the claims below (SEGNALA_TEST_OIDC_* override them), as the municipality's SPID/CIE gateway would.
//
//   node server/tests/oidc_provider.mjs PORT
//
// Prints "ready <issuer>" when it listens. SEGNALA_TEST_OIDC_BREAK makes its ID tokens fail one check a client
// must make: `signature` (a byte of the signature changed), `audience` (for another client), `nonce` (not the
// one sent), `expired` (an hour ago), `issuer` (another issuer's name).
import { OAuth2Server } from 'oauth2-mock-server';

const broken = process.env.SEGNALA_TEST_OIDC_BREAK ?? '';

const port = Number(process.argv[2] ?? 0);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  token.payload.sub = process.env.SEGNALA_TEST_OIDC_SUB ?? 'SPID-TINIT-GVNSPD80A41G224X';
  token.payload.email = process.env.SEGNALA_TEST_OIDC_EMAIL ?? 'giovanna.spid@esempio.it';
  token.payload.email_verified = (process.env.SEGNALA_TEST_OIDC_EMAIL_VERIFIED ?? 'true') === 'true';
  token.payload.given_name = 'Giovanna';
  token.payload.family_name = 'Spid';
  const now = Math.floor(Date.now() / 1000);
  if (broken === 'audience') token.payload.aud = 'un-altro-servizio';
  if (broken === 'nonce') token.payload.nonce = 'not-the-nonce-that-was-sent';
  if (broken === 'expired') Object.assign(token.payload, { iat: now - 7200, exp: now - 3600 });
  if (broken === 'issuer') token.payload.iss = 'http://127.0.0.1:9/another-issuer';
});
server.service.on('beforeResponse', (response) => {
  if (broken === 'signature' && response.body.id_token) {
    const [head, payload, signature] = response.body.id_token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[bytes.length >> 1] ^= 0x01;
    response.body.id_token = [head, payload, bytes.toString('base64url')].join('.');
  }
});
await server.start(port, '127.0.0.1');
// It names itself "localhost"; the tests use the address it listens on.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(`ready ${server.issuer.url}`);
