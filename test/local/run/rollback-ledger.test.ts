import type { ContainerEngine } from '../../../src/local/container-engine/container-engine.js';
import { RollbackLedger } from '../../../src/local/run/rollback-ledger.js';
import { FakeEngine } from './fake-engine.js';

describe('RollbackLedger', () => {
  test('undoes containers newest first (created: removed, started: stopped), then volumes, then the network', async () => {
    const engine = new FakeEngine();
    const ledger = new RollbackLedger();
    expect(ledger.networkCreated).toBe(false);
    ledger.networkWasCreated('p_default');
    ledger.volumeWasCreated('p_disc');
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

  test('nothing recorded', async () => {
    const e = await new RollbackLedger().rollback(new FakeEngine());
    expect(e.message).toBe('interrupted before anything was started');
    expect(e.details).toEqual([]);
  });
});
