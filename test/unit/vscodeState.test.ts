// The VS Code layer's state as values: the context keys derived from the controller's state (and sent only when they
// change), and where the status bar item shows.
import assert from 'node:assert/strict';
import { ContextKey, ContextKeys, contextOf } from '../../src/vscode/contextKeys';
import { statusShown } from '../../src/vscode/viewModel';
import { Report, STEP_IDS } from '../../src/core/types';
import { STEP_TITLES } from '../../src/core/steps';

const report = (state: 'done' | 'todo', login: 'connected' | 'waiting'): Report => ({
  org: {
    instanceUrl: 'https://acme.my.salesforce.com',
    username: 'a@acme.com',
    orgId: '00D',
    isSandbox: false,
    apiVersion: '64.0',
  },
  steps: STEP_IDS.map(id => ({ id, title: STEP_TITLES[id], state, findings: [], plan: [] })),
  login: { status: login, complete: true },
});

describe('VS Code state: context keys and the status bar', () => {
  it('the context keys follow the state: connected, manifest, certificate, setup done, BalkanID connected, values copied, values ready, request', () => {
    const none = {
      connected: false,
      hasManifest: false,
      certificateReadable: false,
      valuesCopied: false,
      values: false,
      request: false,
    };
    assert.deepEqual(Object.values(contextOf(none)), [false, false, false, false, false, false, false, false]);
    assert.deepEqual(
      contextOf({
        ...none,
        connected: true,
        hasManifest: true,
        certificateReadable: true,
        report: report('done', 'waiting'),
      }),
      {
        'balkanid.connected': true,
        'balkanid.hasManifest': true,
        'balkanid.hasCertificate': true,
        'balkanid.setupDone': true,
        'balkanid.balkanidConnected': false,
        'balkanid.valuesCopied': false,
        'balkanid.valuesReady': false,
        'balkanid.adminRequest': false,
      },
    );
    const ready = contextOf({ ...none, connected: true, values: true, request: true });
    assert.deepEqual([ready['balkanid.valuesReady'], ready['balkanid.adminRequest']], [true, true]);
    const after = contextOf({ ...none, connected: true, report: report('done', 'connected'), valuesCopied: true });
    assert.deepEqual([after['balkanid.balkanidConnected'], after['balkanid.valuesCopied']], [true, true]);
    assert.equal(contextOf({ ...none, report: report('todo', 'waiting') })['balkanid.setupDone'], false);
  });

  it('every key is set once at start, then only a key whose value changed is sent again', () => {
    const sent: Array<[ContextKey, boolean]> = [];
    let state = {
      connected: false,
      hasManifest: false,
      certificateReadable: false,
      valuesCopied: false,
      values: false,
      request: false,
    };
    const keys = new ContextKeys(
      () => contextOf(state),
      (k, v) => sent.push([k, v]),
    );
    assert.equal(sent.length, 8);
    keys.update();
    assert.equal(sent.length, 8, 'nothing changed: nothing sent');
    state = { ...state, connected: true };
    keys.update();
    assert.deepEqual(sent.slice(8), [['balkanid.connected', true]]);
  });

  it('the status bar item shows where it is relevant: an org in use or remembered, or a workspace with a manifest', () => {
    const disconnected = { kind: 'disconnected' as const };
    assert.equal(statusShown({ connection: disconnected, hasManifest: false, remembered: false }), false);
    assert.equal(statusShown({ connection: disconnected, hasManifest: true, remembered: false }), true);
    assert.equal(statusShown({ connection: disconnected, hasManifest: false, remembered: true }), true);
    for (const connection of [
      { kind: 'connecting' as const, label: 'acme' },
      { kind: 'expired' as const, label: 'acme' },
      { kind: 'unreachable' as const, label: 'acme', detail: 'ECONNREFUSED' },
    ])
      assert.equal(statusShown({ connection, hasManifest: false, remembered: false }), true, connection.kind);
  });
});
