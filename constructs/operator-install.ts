/** Options of a Flux install (HelmRepository + HelmRelease). */
export interface FluxInstallOptions {
  /**
   * How often Flux reconciles the release.
   * @default "10m"
   */
  readonly interval?: string;
}

/** Options of an Argo CD install (one Application). */
export interface ArgoCdInstallOptions {
  /**
   * Namespace Argo CD watches for Applications.
   * @default "argocd"
   */
  readonly namespace?: string;
  /**
   * Argo CD project.
   * @default "default"
   */
  readonly project?: string;
  /**
   * Sync automatically (with prune and self-heal) instead of waiting for a manual sync.
   * @default true
   */
  readonly automated?: boolean;
}

export type OperatorInstallKind = 'none' | 'flux' | 'argocd';

/**
 * How a runtime operator gets installed: not by this stack (declared only), or by GitOps
 * objects that install the upstream Helm chart.
 */
export class OperatorInstall {
  /** The operator is installed some other way; the stack only declares the dependency. */
  public static none(): OperatorInstall {
    return new OperatorInstall('none', {}, {});
  }

  /** Render a Flux HelmRepository and HelmRelease for the upstream chart. */
  public static flux(options: FluxInstallOptions = {}): OperatorInstall {
    return new OperatorInstall('flux', options, {});
  }

  /** Render an Argo CD Application for the upstream chart. */
  public static argoCd(options: ArgoCdInstallOptions = {}): OperatorInstall {
    return new OperatorInstall('argocd', {}, options);
  }

  private constructor(
    public readonly kind: OperatorInstallKind,
    public readonly flux: FluxInstallOptions,
    public readonly argoCd: ArgoCdInstallOptions,
  ) {}
}
