// A small OpenID Connect provider for the tests (npm's oauth2-mock-server): it signs ID tokens with a fresh RS256
// key, checks PKCE, echoes the nonce, and approves every sign-in at once. Its ID tokens say who signs in through
// the claims below (SEGNALA_TEST_OIDC_* override them), as the municipality's SPID/CIE gateway would.
//
//   node server/tests/oidc_provider.mjs PORT
//
// Prints "ready <issuer>" when it listens.
import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2] ?? 0);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  token.payload.sub = process.env.SEGNALA_TEST_OIDC_SUB ?? 'SPID-TINIT-GVNSPD80A41G224X';
  token.payload.email = process.env.SEGNALA_TEST_OIDC_EMAIL ?? 'giovanna.spid@esempio.it';
  token.payload.email_verified = (process.env.SEGNALA_TEST_OIDC_EMAIL_VERIFIED ?? 'true') === 'true';
  token.payload.given_name = 'Giovanna';
  token.payload.family_name = 'Spid';
});
await server.start(port, '127.0.0.1');
// It names itself "localhost"; the tests use the address it listens on.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(`ready ${server.issuer.url}`);
