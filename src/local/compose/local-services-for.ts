import type { RuntimeId } from '../../model/ids.js';
import { adapterFor } from '../../runtimes/adapters.js';
import type { LocalServices } from './local-services.js';

/** The local services of a runtime (see LocalServices), from its runtime adapter. */
export function localServicesFor(runtime: RuntimeId): LocalServices {
  return adapterFor(runtime).localServices;
}
