// What only a command or the credentials view needs, bundled apart (dist/ui.js) and loaded on first use so that
// activation evaluates as little code as possible.
export { handlers } from './handlers';
export { CredentialsPanel } from './credentials';
