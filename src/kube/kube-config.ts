import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findHomeDir, KubeConfig } from '@kubernetes/client-node';
import { ModelstackError, errorMessage } from '../errors.js';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file. @default $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** Context to use. @default the kubeconfig's current context */
  readonly context?: string;
}

/** Loads a kubeconfig the way kubectl does (--kubeconfig, $KUBECONFIG, ~/.kube/config; --context). */
export function loadKubeConfig(opts: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig)) {
        throw new ModelstackError('KUBECONFIG', `kubeconfig ${opts.kubeconfig} does not exist`, {
          hint: 'pass --kubeconfig with an existing file, or set KUBECONFIG',
        });
      }
      kc.loadFromFile(opts.kubeconfig);
    } else {
      // client-node falls back to http://localhost:8080 when it finds no config; kubectl says so instead.
      // Look for ~/.kube/config where client-node will (its findHomeDir reads $HOME only, unlike os.homedir()).
      const homeDir = findHomeDir();
      const home = homeDir ? join(homeDir, '.kube', 'config') : undefined;
      if (!process.env.KUBECONFIG && !(home && existsSync(home)) && !process.env.KUBERNETES_SERVICE_HOST) {
        const where = home ? `${home} does not exist` : 'HOME is not set, so there is no ~/.kube/config';
        throw new ModelstackError('KUBECONFIG', `no kubeconfig found (KUBECONFIG is not set and ${where})`, {
          hint: 'pass --kubeconfig FILE, or set KUBECONFIG',
        });
      }
      kc.loadFromDefault();
    }
  } catch (e) {
    if (e instanceof ModelstackError) throw e;
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig: ${errorMessage(e)}`, {
      hint: 'check KUBECONFIG or --kubeconfig',
    });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ModelstackError('KUBECONFIG', `context "${opts.context}" is not in the kubeconfig`, {
        hint: `use one of: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new ModelstackError('KUBECONFIG', 'the kubeconfig has no current cluster', {
      hint: 'set a current context (kubectl config use-context NAME) or pass --context',
    });
  }
  return kc;
}

/** The namespace of the current context, like kubectl's default. */
export function contextNamespace(kc: KubeConfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace ?? 'default';
}
