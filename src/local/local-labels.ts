/**
 * The labels of a local project, in one place: the compose builder writes them on every
 * service, the runner puts them on containers, networks and volumes and finds them by them.
 */

/** The project a container, network or volume belongs to. */
export const PROJECT_LABEL = 'modelstack.io/project';
/** The compose service a container runs. */
export const SERVICE_LABEL = 'modelstack.io/service';
/** The model (custom resource name) a service belongs to. */
export const MODEL_LABEL = 'modelstack.io/model';
/** What the service is for the model: frontend, worker, head… */
export const ROLE_LABEL = 'modelstack.io/role';
/** Same key as the Kubernetes objects' runtime label: "dynamo" or "kuberay". */
export { RUNTIME_LABEL } from '../model/labels.js';
/** A hash of everything a container was started with: `up` recreates it when this changes. */
export const CONFIG_HASH_LABEL = 'modelstack.io/config-hash';
/** On volumes meant to live only as long as the project runs (declared tmpfs): `down` removes them. */
export const EPHEMERAL_LABEL = 'modelstack.io/ephemeral';
/** On a container of a `build:` service: the id of the image `up` built for it (a rebuilt image recreates the container). */
export const IMAGE_ID_LABEL = 'modelstack.io/image-id';
