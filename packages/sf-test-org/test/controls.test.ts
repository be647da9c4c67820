// The test org's own controls: faults, latency, stats, scenarios, and `npm run org`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { jsforce, raw, useOrg } from './helpers';

describe('test org: controls', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('injects faults by method and path, N times: 5xx HTML, REQUEST_LIMIT_EXCEEDED, connection reset', async () => {
    const conn = jsforce(t.org);
    // jsforce retries GETs on 5xx by itself: one injected 503 costs one extra request, not a failure.
    t.org.resetStats();
    t.org.addFault({
      method: 'GET',
      path: '/query',
      status: 503,
      body: '<html><body>Service Unavailable</body></html>',
      times: 1,
    });
    assert.ok((await conn.query('SELECT Id FROM User')).totalSize > 0);
    assert.equal(t.org.stats().byRoute['GET /services/data/v64.0/query'], 2);
    // POSTs are not retried: the HTML error page surfaces.
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 500,
      body: '<html><body>Internal Server Error</body></html>',
    });
    await assert.rejects(
      async () => conn.requestPost('/services/data/v64.0/composite', { compositeRequest: [] }),
      (e: any) => /html/i.test(e.message),
    );
    t.org.addFault({
      path: '/sobjects/User',
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    await assert.rejects(
      async () => conn.sobject('User').retrieve(t.org.org.find('User', () => true)!.Id),
      (e: any) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED',
    );
    t.org.addFault({ path: '/limits', reset: true });
    await assert.rejects(
      fetch(`${t.org.url}/services/data/v64.0/limits`, { headers: { Authorization: `Bearer ${t.org.adminToken}` } }),
    );
  });

  it('counts requests per method and path, adds latency, and resets to a scenario over HTTP', async () => {
    await raw(t.org, 'DELETE', '/__testorg/stats');
    await raw(t.org, 'GET', '/services/data/v64.0/limits');
    await raw(t.org, 'POST', '/__testorg/latency', { ms: 120 });
    const started = Date.now();
    await raw(t.org, 'GET', '/services/data/v64.0/limits');
    assert.ok(Date.now() - started >= 110);
    await raw(t.org, 'POST', '/__testorg/latency', { ms: 0 });
    const stats = (await raw(t.org, 'GET', '/__testorg/stats')).body;
    assert.equal(stats.total, 2);
    assert.equal(stats.byRoute['GET /services/data/v64.0/limits'], 2);
    const info = (await raw(t.org, 'POST', '/__testorg/reset', { scenario: 'sandbox' })).body;
    assert.equal(info.scenario, 'sandbox');
    assert.equal(t.org.org.options.isSandbox, true);
    t.org.reset('fresh');
  });

  it('runs by hand: `npm run org` prints one JSON line with the instance URL, token and username', async function () {
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'src', 'main.js'), '--port', '0', '--scenario', 'no-licenses'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line: string = await new Promise((resolve, reject) => {
        child.stdout.once('data', d => resolve(String(d)));
        child.once('exit', c => reject(new Error(`exit ${c}`)));
      });
      const info = JSON.parse(line);
      assert.match(info.instanceUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.username, 'admin@acme.example');
      const lic: any = await (
        await fetch(
          `${info.instanceUrl}/services/data/v64.0/query?q=${encodeURIComponent("SELECT UsedLicenses, TotalLicenses FROM UserLicense WHERE LicenseDefinitionKey = 'AUL'")}`,
          { headers: { Authorization: `Bearer ${info.accessToken}` } },
        )
      ).json();
      assert.equal(lic.records[0].UsedLicenses, lic.records[0].TotalLicenses);
    } finally {
      child.kill();
    }
  });

  it('runs by hand with --users <n>: n extra users, and refuses a --users that is not a whole number', async function () {
    const main = join(__dirname, '..', 'src', 'main.js');
    const child = spawn(process.execPath, [main, '--port', '0', '--users', '250'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line: string = await new Promise((resolve, reject) => {
        child.stdout.once('data', d => resolve(String(d)));
        child.once('exit', c => reject(new Error(`exit ${c}`)));
      });
      const info = JSON.parse(line);
      const count: any = await (
        await fetch(
          `${info.instanceUrl}/services/data/v64.0/query?q=${encodeURIComponent('SELECT COUNT() FROM User')}`,
          {
            headers: { Authorization: `Bearer ${info.accessToken}` },
          },
        )
      ).json();
      assert.equal(count.totalSize, 256, 'the scenario’s 6 users (3 of them coverage.ts adds) and 250 more');
    } finally {
      child.kill();
    }
    const bad = spawn(process.execPath, [main, '--port', '0', '--users', 'many'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    bad.stderr.on('data', d => (err += String(d)));
    assert.equal(await new Promise(resolve => bad.once('exit', resolve)), 2);
    assert.match(err, /--users takes a whole number/);
  });

  it('refuses at once, with the heap to ask for, a seeding larger than Node’s heap, and a bad --external-users or --inactive-share', async function () {
    const main = join(__dirname, '..', 'src', 'main.js');
    const run = async (...args: string[]) => {
      const child = spawn(process.execPath, [main, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', d => (err += String(d)));
      const code = await new Promise(resolve => child.once('exit', resolve));
      return { code, err };
    };
    const huge = await run('--users', '40000000');
    assert.equal(huge.code, 2);
    assert.match(
      huge.err,
      /needs about \d+ MB of heap, more than Node's \d+ MB\. Run it with a larger heap: NODE_OPTIONS=--max-old-space-size=\d+ npm run org/,
    );
    assert.match((await run('--external-users', '-3')).err, /--external-users takes a whole number/);
    assert.match((await run('--inactive-share', '1.5')).err, /--inactive-share takes a number from 0 to 1/);
  });
});
