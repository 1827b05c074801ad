/** Labels modelstack puts on the containers and networks of a local project, and finds them by. */
export const PROJECT_LABEL = 'modelstack.io/project';
export const SERVICE_LABEL = 'modelstack.io/service';
/** A hash of everything a container was started with: `up` recreates it when this changes. */
export const CONFIG_HASH_LABEL = 'modelstack.io/config-hash';

/** On volumes meant to live only as long as the project runs (declared tmpfs): `down` removes them. */
export const EPHEMERAL_LABEL = 'modelstack.io/ephemeral';

/** `<project>_default`, as compose names a project's network. */
export function networkName(project: string): string {
  return `${project}_default`;
}

/** `<project>-<service>`. */
export function containerName(project: string, service: string): string {
  return `${project}-${service}`;
}
