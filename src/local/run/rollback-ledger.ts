import { errorMessage, ModelstackError } from '../../errors.js';
import type { ContainerEngine } from '../container-engine/container-engine.js';

/**
 * What one `up` changed, so an interrupt (Ctrl-C) can undo exactly that and nothing the
 * project had before: containers it created are removed and ones it started are stopped, the
 * ephemeral volumes and the network it created are removed.
 */
export class RollbackLedger {
  private network?: string;
  /** Ephemeral volumes this up created (removed on interrupt; others hold data and stay). */
  private readonly volumes: string[] = [];
  /** Containers this up created (removed on interrupt) or started (stopped on interrupt). */
  private readonly containers: { readonly name: string; readonly undo: 'remove' | 'stop' }[] = [];

  public get networkCreated(): boolean {
    return this.network !== undefined;
  }

  public networkWasCreated(name: string): void {
    this.network = name;
  }

  public volumeWasCreated(name: string): void {
    this.volumes.push(name);
  }

  public containerWasCreated(name: string): void {
    this.containers.push({ name, undo: 'remove' });
  }

  public containerWasStarted(name: string): void {
    this.containers.push({ name, undo: 'stop' });
  }

  /**
   * Undoes everything recorded, newest container first, then the volumes and the network; a
   * step that fails is reported and the others still run. Returns the error `up` rejects with.
   */
  public async rollback(engine: ContainerEngine): Promise<ModelstackError> {
    const done: string[] = [];
    for (const c of [...this.containers].reverse()) {
      try {
        if (c.undo === 'remove') await engine.remove(c.name);
        else await engine.stop(c.name, 2);
        done.push(`${c.undo === 'remove' ? 'removed' : 'stopped'} ${c.name}`);
      } catch (e) {
        done.push(`could not undo ${c.name}: ${errorMessage(e)}`);
      }
    }
    for (const v of this.volumes) {
      try {
        await engine.removeVolume(v);
        done.push(`removed volume ${v}`);
      } catch (e) {
        done.push(`could not remove volume ${v}: ${errorMessage(e)}`);
      }
    }
    if (this.network !== undefined) {
      try {
        await engine.removeNetwork(this.network);
        done.push(`removed network ${this.network}`);
      } catch (e) {
        done.push(`could not remove network ${this.network}: ${errorMessage(e)}`);
      }
    }
    return new ModelstackError('LOCAL', done.length ? 'interrupted: undid what this up started' : 'interrupted before anything was started', {
      details: done,
      exitCode: 130,
    });
  }
}
