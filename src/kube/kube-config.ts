import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
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
      loadFile(kc, opts.kubeconfig);
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
      loadDefault(kc, home);
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

/**
 * What client-node's loadFromDefault does, file by file, so an error names the file it is in:
 * every file of $KUBECONFIG merged (the first one's current context wins), else ~/.kube/config,
 * else the in-cluster service account.
 */
function loadDefault(kc: KubeConfig, home: string | undefined): void {
  const files = (process.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (files.length > 0) {
    loadFile(kc, files[0]!);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, file);
      kc.mergeConfig(more);
    }
    return;
  }
  if (home && existsSync(home)) loadFile(kc, home);
  else kc.loadFromDefault();
}

/**
 * Loads one kubeconfig file. A kubeconfig holds credentials, so its contents are never
 * printed: js-yaml's message quotes the lines around a syntax error, so a YAML error is told by
 * the file, line, column and reason alone (and is not kept as the cause).
 */
function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (e) {
    const yaml = yamlErrorAt(e);
    if (yaml) {
      throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: invalid YAML at line ${yaml.line}, column ${yaml.column}: ${yaml.reason}`, {
        hint: 'fix the YAML at that line of the file (its contents are not shown: kubeconfigs hold credentials)',
      });
    }
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: ${errorMessage(e)}`, { hint: 'check KUBECONFIG or --kubeconfig' });
  }
}

/**
 * Where a js-yaml YAMLException is, and why, without its source excerpt. The few reasons that
 * quote the document (an unknown tag or alias name) have the quoted part left out.
 */
function yamlErrorAt(e: unknown): { line: number; column: number; reason: string } | undefined {
  if (!(e instanceof Error) || e.name !== 'YAMLException') return undefined;
  const { reason, mark } = e as Error & { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (typeof reason !== 'string' || typeof mark?.line !== 'number' || typeof mark.column !== 'number') return undefined;
  const unquoted = reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/!<[^>]*>/g, '!<…>')
    .replace(/(malformed|such characters): .*$/, '$1');
  return { line: mark.line + 1, column: mark.column + 1, reason: unquoted };
}

/** The namespace of the current context, like kubectl's default. */
export function contextNamespace(kc: KubeConfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace ?? 'default';
}
