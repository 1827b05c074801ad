import { ModelstackError } from '../../../src/errors.js';
import type { ContainerEngine } from '../../../src/local/container-engine/container-engine.js';
import { RollbackLedger } from '../../../src/local/run/rollback-ledger.js';
import { FakeEngine } from './fake-engine.js';

describe('RollbackLedger', () => {
  test('undoes containers newest first (created: removed, started: stopped), then volumes, then the network', async () => {
    const engine = new FakeEngine();
    const ledger = new RollbackLedger();
    expect(ledger.networkCreated).toBe(false);
    ledger.networkWasCreated('p_default');
    ledger.volumeWasCreated('p_disc', { keep: false });
    ledger.containerWasCreated('p-a');
    ledger.containerWasStarted('p-b');
    expect(ledger.networkCreated).toBe(true);
    const e = await ledger.rollback(engine);
    expect(engine.calls).toEqual(['stop p-b', 'rm p-a', 'volume rm p_disc', 'network rm p_default']);
    expect(e).toMatchObject({ code: 'LOCAL', exitCode: 130, message: 'interrupted: undid what this up started' });
    expect(e.details).toEqual(['stopped p-b', 'removed p-a', 'removed volume p_disc', 'removed network p_default']);
  });

  test('a step that fails is reported; the others still run', async () => {
    const engine = new FakeEngine();
    engine.remove = async () => {
      throw new Error('no such container');
    };
    const ledger = new RollbackLedger();
    ledger.containerWasCreated('p-a');
    ledger.networkWasCreated('p_default');
    const e = await ledger.rollback(engine as ContainerEngine);
    expect(e.details).toEqual(['could not undo p-a: no such container', 'removed network p_default']);
  });

  test('after a failure: the same undo, added to the error (its message, code, hint and details kept)', async () => {
    const engine = new FakeEngine();
    const ledger = new RollbackLedger();
    ledger.networkWasCreated('p_default');
    ledger.volumeWasCreated('p_disc', { keep: false });
    ledger.containerWasCreated('p-a');
    const failure = new ModelstackError('TIMEOUT', 'service a was not ready within 1s', { hint: 'raise --timeout', details: ['last probe: x'] });
    const e = (await ledger.rollbackAfter(engine, failure)) as ModelstackError;
    expect(engine.calls).toEqual(['rm p-a', 'volume rm p_disc', 'network rm p_default']);
    expect(e).toMatchObject({ code: 'TIMEOUT', message: 'service a was not ready within 1s', hint: 'raise --timeout', exitCode: 2 });
    expect(e.details).toEqual(['last probe: x', 'undid what this up created:', '  removed p-a', '  removed volume p_disc', '  removed network p_default']);
    // nothing recorded: the error as it was
    expect(await new RollbackLedger().rollbackAfter(engine, failure)).toBe(failure);
  });

  test('a data volume it created (a model cache) is kept on failure and on interrupt, and the error says so and how to remove it', async () => {
    const ledger = (): RollbackLedger => {
      const l = new RollbackLedger();
      l.networkWasCreated('p_default');
      l.volumeWasCreated('p_weights', { keep: true });
      l.volumeWasCreated('p_disc', { keep: false });
      l.containerWasCreated('p-download');
      return l;
    };
    const kept = 'kept volume p_weights: it may hold downloaded models, which the next up reuses ("modelstack local down --volumes" removes it)';
    const engine = new FakeEngine();
    const failure = new ModelstackError('LOCAL', 'service download exited with code 3');
    const e = (await ledger().rollbackAfter(engine, failure)) as ModelstackError;
    expect(engine.calls).toEqual(['rm p-download', 'volume rm p_disc', 'network rm p_default']);
    expect(e.details).toEqual(['undid what this up created:', '  removed p-download', `  ${kept}`, '  removed volume p_disc', '  removed network p_default']);
    const interrupted = new FakeEngine();
    const i = await ledger().rollback(interrupted);
    expect(interrupted.calls).not.toContain('volume rm p_weights');
    expect(i.details).toContain(kept);
    // Keeping only a volume still says so.
    const only = new RollbackLedger();
    only.volumeWasCreated('p_weights', { keep: true });
    expect(((await only.rollbackAfter(new FakeEngine(), failure)) as ModelstackError).details).toEqual(['undid what this up created:', `  ${kept}`]);
  });

  test('nothing recorded', async () => {
    const e = await new RollbackLedger().rollback(new FakeEngine());
    expect(e.message).toBe('interrupted before anything was started');
    expect(e.details).toEqual([]);
  });
});
