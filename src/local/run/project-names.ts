/** How a local project names its network and containers (as compose does). */

/** `<project>_default`, as compose names a project's network. */
export function networkName(project: string): string {
  return `${project}_default`;
}

/** `<project>-<service>`. */
export function containerName(project: string, service: string): string {
  return `${project}-${service}`;
}
