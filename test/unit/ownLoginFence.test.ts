// OwnLoginFence (core/ownLogins.ts): a check of the login history that overlaps one of this tool's own logins may
// read its row before it is remembered, and would show it as BalkanID's login. Such a check is made again once no own
// login is under way. Every step here is a promise the test settles itself: no timing.
import assert from 'node:assert/strict';
import { OwnLoginFence } from '../../src/core/ownLogins';

function deferred<T = void>() {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
/** Whether `p` has settled once every pending callback has run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise(r => setImmediate(r));
  return done;
}
/** A read whose every run is a promise the test answers: `runs` lists them in order. */
function scriptedRead() {
  const runs: Array<ReturnType<typeof deferred<string>>> = [];
  const work = () => {
    const d = deferred<string>();
    runs.push(d);
    return d.promise;
  };
  return { runs, work };
}

describe('own logins and checks of the login history (OwnLoginFence)', () => {
  it('a read with no own login under way runs once and gives its result', async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const read = fence.read(work);
    runs[0]!.resolve('waiting');
    assert.equal(await read, 'waiting');
    assert.equal(runs.length, 1);
  });

  it("a read made while an own login began and was remembered is not given: it runs again after, and that run's result is given", async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const read = fence.read(work);
    const login = deferred();
    const own = fence.login(() => login.promise);
    runs[0]!.resolve('connected'); // it read the self-test's row before it was remembered
    assert.equal(await settled(read), false, 'not given while the login is under way');
    assert.equal(runs.length, 1, 'and not run again before the login ends');
    login.resolve();
    await own;
    await settled(read);
    assert.equal(runs.length, 2, 'run again once the login ended');
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
  });

  it('a read during which an own login began and ended runs again at once', async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const read = fence.read(work);
    await fence.login(async () => 'self-test passed');
    runs[0]!.resolve('connected');
    await settled(read);
    assert.equal(runs.length, 2);
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
  });

  it('a read that began during an own login and ended after it runs again at once', async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const login = deferred();
    const own = fence.login(() => login.promise);
    const read = fence.read(work);
    login.resolve();
    await own;
    runs[0]!.resolve('connected');
    await settled(read);
    assert.equal(runs.length, 2);
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
  });

  it('a read that began and ended during an own login waits for it to end, then runs again', async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const login = deferred();
    const own = fence.login(() => login.promise);
    const read = fence.read(work);
    runs[0]!.resolve('connected');
    assert.equal(await settled(read), false);
    assert.equal(runs.length, 1);
    login.resolve();
    await own;
    await settled(read);
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
    assert.equal(runs.length, 2);
  });

  it('with two own logins overlapping, the read waits for the last to end', async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const first = deferred();
    const second = deferred();
    const a = fence.login(() => first.promise);
    const read = fence.read(work);
    const b = fence.login(() => second.promise);
    runs[0]!.resolve('connected');
    first.resolve();
    await a;
    assert.equal(await settled(read), false, 'one login still under way');
    assert.equal(runs.length, 1);
    second.resolve();
    await b;
    await settled(read);
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
  });

  it("an own login that fails still ends: its error is the caller's, and the read goes on", async () => {
    const fence = new OwnLoginFence();
    const { runs, work } = scriptedRead();
    const login = deferred<string>();
    const own = fence.login(() => login.promise);
    const read = fence.read(work);
    runs[0]!.resolve('connected');
    login.reject(new Error('invalid assertion'));
    await assert.rejects(own, /invalid assertion/);
    await settled(read);
    runs[1]!.resolve('waiting');
    assert.equal(await read, 'waiting');
  });

  it("an own login gives its work's result; a read after it ended runs once", async () => {
    const fence = new OwnLoginFence();
    assert.equal(await fence.login(async () => 'self-test passed'), 'self-test passed');
    const { runs, work } = scriptedRead();
    const read = fence.read(work);
    runs[0]!.resolve('waiting');
    assert.equal(await read, 'waiting');
    assert.equal(runs.length, 1);
  });
});
