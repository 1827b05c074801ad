import type { IoHost } from '../../io/io-host.js';
import type { KubeObject, StackManifest } from '../../model/kube-object.js';
import { type AppSource, synthStacks } from '../../synth/synth.js';

/** Every object of the stacks, in stack order then apply order. */
export function objectsOf(stacks: readonly StackManifest[]): KubeObject[] {
  return stacks.flatMap((s) => s.objects);
}

/** The after side of every diff: the app as it is now, synthesized without writing anything. */
export async function synthObjects(opts: AppSource & { readonly cwd: string }, io: IoHost): Promise<KubeObject[]> {
  return objectsOf(await synthStacks(opts, io));
}
