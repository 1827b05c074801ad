import { errorMessage, isModelstackError, ModelstackError } from '../../errors.js';
import type { ContainerEngine } from '../container-engine/container-engine.js';

/** How a failed up's message says that it kept a data volume, and how to remove it. */
export function keptVolumeLine(name: string): string {
  return `kept volume ${name}: it may hold downloaded models, which the next up reuses ("modelstack local down --volumes" removes it)`;
}

/**
 * What one `up` changed, so a failure or an interrupt (Ctrl-C) can undo exactly that and
 * nothing the project had before: containers it created are removed and ones it started are
 * stopped, the network and the tmpfs volumes it created are removed. The data volumes it created
 * (model caches, the HF cache) are kept and said: they may hold a download a retry would
 * otherwise repeat. `local down --volumes` removes them.
 */
export class RollbackLedger {
  private network?: string;
  /** Volumes this up created; `keep`: left on undo (data volumes). */
  private readonly volumes: { readonly name: string; readonly keep: boolean }[] = [];
  /** Containers this up created (removed on undo) or started (stopped on undo). */
  private readonly containers: { readonly name: string; readonly undo: 'remove' | 'stop' }[] = [];

  public get networkCreated(): boolean {
    return this.network !== undefined;
  }

  public networkWasCreated(name: string): void {
    this.network = name;
  }

  /** `keep`: a data volume (it may hold downloaded models), which undo leaves in place. */
  public volumeWasCreated(name: string, opts: { readonly keep: boolean }): void {
    this.volumes.push({ name, keep: opts.keep });
  }

  public containerWasCreated(name: string): void {
    this.containers.push({ name, undo: 'remove' });
  }

  public containerWasStarted(name: string): void {
    this.containers.push({ name, undo: 'stop' });
  }

  /** Everything recorded, for a message (e.g. what a failed up kept). */
  public describe(): string[] {
    return [
      ...this.containers.map((c) => `${c.undo === 'remove' ? 'created' : 'started'} ${c.name}`),
      ...this.volumes.map((v) => `created volume ${v.name}`),
      ...(this.network !== undefined ? [`created network ${this.network}`] : []),
    ];
  }

  /**
   * Undoes everything recorded, newest container first, then the volumes (data volumes are kept,
   * and said) and the network; a step that fails is reported and the others still run. Returns
   * what was done, one line each.
   */
  public async undo(engine: ContainerEngine): Promise<string[]> {
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
      if (v.keep) {
        done.push(keptVolumeLine(v.name));
        continue;
      }
      try {
        await engine.removeVolume(v.name);
        done.push(`removed volume ${v.name}`);
      } catch (e) {
        done.push(`could not remove volume ${v.name}: ${errorMessage(e)}`);
      }
    }
    if (this.network !== undefined) {
      try {
        const outcome = await engine.removeNetwork(this.network);
        done.push(outcome === 'in-use' ? `could not remove network ${this.network}: containers of others use it` : `removed network ${this.network}`);
      } catch (e) {
        done.push(`could not remove network ${this.network}: ${errorMessage(e)}`);
      }
    }
    return done;
  }

  /** Undoes everything after an interrupt; returns the error `up` rejects with (exit code 130). */
  public async rollback(engine: ContainerEngine): Promise<ModelstackError> {
    const done = await this.undo(engine);
    return new ModelstackError('LOCAL', done.length ? 'interrupted: undid what this up started' : 'interrupted before anything was started', {
      details: done,
      exitCode: 130,
    });
  }

  /** Undoes everything after `up` failed with `error`; returns that error with what was undone added. */
  public async rollbackAfter(engine: ContainerEngine, error: unknown): Promise<unknown> {
    const done = await this.undo(engine);
    if (done.length === 0) return error;
    const undone = ['undid what this up created:', ...done.map((d) => `  ${d}`)];
    if (!isModelstackError(error)) return new ModelstackError('LOCAL', errorMessage(error), { details: undone, cause: error });
    return new ModelstackError(error.code, error.message, {
      ...(error.hint ? { hint: error.hint } : {}),
      details: [...error.details, ...undone],
      exitCode: error.exitCode,
      cause: error,
    });
  }
}
