// `--trace`: every exchange of a full run as HAR 1.2, with no secret the run used.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { testCert, useOrg, workspace } from '../support/helpers';

describe('balkanid-sf --trace', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });

  it('writes each command of a full run (check, apply, verify with the key, handoff, teardown) as HAR 1.2 holding no secret', async () => {
    const ws = workspace();
    const files: string[] = [];
    const cli = async (args: string[]) => {
      const file = join(ws, `${args[0]}.har`);
      files.push(file);
      const code = await main(
        [
          ...args,
          '--manifest',
          join(ws, 'balkanid-setup.json'),
          '--instance-url',
          t.org.url,
          '--access-token',
          t.org.adminToken,
          '--trace',
          file,
        ],
        () => true,
        () => true,
      );
      return code;
    };
    assert.equal(await cli(['check']), 1);
    assert.equal(await cli(['apply', '--yes']), 0);
    assert.equal(await cli(['verify', '--key', join(ws, 'key.pem'), '--retries', '1']), 0);
    assert.equal(await cli(['handoff']), 0);
    const consumerKey = t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0]!.consumerKey as string;
    const consumerSecret = t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0]!.__consumerSecret as string;
    assert.equal(await cli(['teardown', '--yes']), 0);

    const lines = (pem: string) => pem.split('\n').filter(l => l.length >= 40 && !l.startsWith('-----'));
    const secrets = [
      t.org.adminToken,
      ...t.org.org.sessions.keys(),
      consumerKey,
      consumerSecret,
      ...lines(testCert().keyPem),
      ...lines(testCert().certPem),
    ];
    assert.ok(t.org.org.sessions.size >= 2, 'the integration user logged in too');
    const routes = new Set<string>();
    for (const file of files) {
      assert.equal(statSync(file).mode & 0o077, 0, 'readable by its owner only');
      const text = readFileSync(file, 'utf8');
      for (const s of secrets)
        assert.ok(!text.includes(s), `${file.split('/').pop()} holds a secret: ${s.slice(0, 8)}…`);
      const har = JSON.parse(text);
      assert.equal(har.log.version, '1.2');
      assert.ok(har.log.entries.length > 0);
      for (const e of har.log.entries) {
        assert.match(e.startedDateTime, /^\d{4}-\d\d-\d\dT/);
        assert.match(e.request.method, /^(GET|POST|PATCH|DELETE)$/);
        assert.ok(e.request.url.startsWith(t.org.url), e.request.url);
        assert.equal(typeof e.response.status, 'number');
        assert.ok(Array.isArray(e.request.headers) && Array.isArray(e.response.headers));
        routes.add(`${e.request.method} ${new URL(e.request.url).pathname.replace(/\/0Af\w+$/, '/{id}')}`);
      }
    }
    for (const r of [
      'POST /services/oauth2/token',
      'POST /services/data/v64.0/composite/batch',
      'POST /services/data/v64.0/metadata/deployRequest',
      'POST /services/data/v64.0/composite',
    ])
      assert.ok(routes.has(r), `${r} traced; got ${[...routes].join(', ')}`);
    const apply = JSON.parse(readFileSync(files[1]!, 'utf8'));
    const auth = apply.log.entries[0].request.headers.find((h: { name: string }) => /^authorization$/i.test(h.name));
    assert.equal(auth.value, 'Bearer <redacted>');
  });
});
