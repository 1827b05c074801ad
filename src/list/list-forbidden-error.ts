import { ModelstackError } from '../errors.js';
import { runtimeInfo } from '../runtimes/registry.js';
import type { ListResult } from './list-models.js';

/**
 * `list` could not list every model kind: the API server refused (403) one or both. A list
 * without them would read as "no such models", so this is an error; `partial` keeps what was
 * listed (the CLI prints it before the error).
 */
export class ListForbiddenError extends ModelstackError {
  public constructor(public readonly partial: ListResult & { readonly namespace?: string }) {
    const { forbidden, listed, models, namespace } = partial;
    const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
    const users = [...new Set(forbidden.flatMap((f) => (f.user ? [f.user] : [])))];
    const who = users.length > 0 ? ` for user ${users.map((u) => `"${u}"`).join(', ')}` : '';
    super('FORBIDDEN', `cannot list ${forbidden.map((f) => f.kind).join(' or ')} in ${where}: forbidden${who}`, {
      details: [
        ...forbidden.map((f) => `${runtimeInfo(f.runtime).displayName}: missing permission: ${f.permission}`),
        ...listed.map((id) => {
          const n = models.filter((m) => m.runtime === id).length;
          return `${runtimeInfo(id).displayName}: listed (${n === 0 ? 'none found' : `${n} model deployment${n === 1 ? '' : 's'}`})`;
        }),
      ],
      hint:
        `ask for RBAC permission to list ${forbidden.map((f) => f.resource).join(' and ')} ${namespace === undefined ? 'cluster-wide' : `in namespace ${namespace}`}` +
        (namespace === undefined ? ', or list one namespace you may read with -n NAMESPACE' : ''),
      exitCode: 2,
    });
  }
}
