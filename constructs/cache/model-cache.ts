import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  CACHE_HF_HOME,
  CACHE_MOUNT_PATH,
  cachedModelDir,
  COMPLETE_MARKER,
  MODEL_CACHE_LABEL,
  type ModelCacheDescriptor,
  REMOVAL_POLICY_ANNOTATION,
  type RemovalPolicy,
} from '../../src/model/model-cache.js';
import { nameFromId } from '../../src/model/names.js';
import { imageIssues } from '../common/image.js';
import type { PropIssue } from '../common/issues.js';
import { modelIdIssues } from '../common/model-id.js';
import { reservedLabelIssues } from '../common/reserved.js';
import * as s from '../common/schemas.js';
import { hfTokenIssues, type SecretKeyRef } from '../common/secrets.js';
import { allValid, parseProps, reportIssues } from '../common/validation.js';
import { ModelStack } from '../model-stack.js';

/** How the weights volume may be mounted. */
export type ModelCacheAccessMode = 'ReadWriteMany' | 'ReadWriteOnce';

export interface ModelCacheCompilationCache {
  /** Size of the compilation-cache volume (a PVC, ReadWriteMany: every worker writes to it). */
  readonly size: string;
  /** Storage class of the compilation-cache volume. @default the cache's storageClass */
  readonly storageClass?: string;
}

export interface ModelCacheProps {
  /** Hugging Face repository to download, e.g. "Qwen/Qwen3-0.6B". Models that use the cache must serve this model. */
  readonly model: string;
  /**
   * The exact revision to download: a commit hash (best: it never moves) or a tag. Required: a
   * branch such as "main" moves, and a moving revision silently changes what runs.
   */
  readonly revision: string;
  /** Name of the PVC (and the prefix of the download Job). @default the construct id, folded to a DNS-1123 label */
  readonly name?: string;
  /** Namespace of the PVC and the Job; models that use the cache must be in it. @default the stack's namespace */
  readonly namespace?: string;
  /** Size of the PVC to create (e.g. "50Gi"): the model's weights and some room. Required unless existingClaim is set. */
  readonly size?: string;
  /** Storage class of the PVC. @default the cluster's default storage class */
  readonly storageClass?: string;
  /**
   * "ReadWriteMany": every pod of every model reads the volume, on any node (needs a storage
   * class that offers it: NFS, CephFS, EFS, Filestore, ...). "ReadWriteOnce": the volume is
   * attached to one node at a time, so the download Job and every pod that mounts it must run on
   * that one node; a pod scheduled elsewhere stays ContainerCreating (Multi-Attach error).
   * @default "ReadWriteMany"
   */
  readonly accessMode?: ModelCacheAccessMode;
  /** Use this existing PVC instead of creating one (it is never deleted by modelstack). @default none */
  readonly existingClaim?: string;
  /** Secret key holding the Hugging Face token for gated or private models, as HF_TOKEN of the download. @default none */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Times the download Job retries a failed download (`backoffLimit`); a retry resumes the files already fetched. @default 4 */
  readonly retries?: number;
  /** Most seconds the download may take, retries included (`activeDeadlineSeconds`). @default 14400 (4 hours) */
  readonly downloadTimeoutSeconds?: number;
  /**
   * Image of the download Job; it must have the `hf` CLI (huggingface_hub >= 0.34) on its PATH.
   * @default "python:3.12-slim", which installs huggingface_hub 1.30.0 with pip before downloading
   */
  readonly downloaderImage?: string;
  /** A second, writable volume for the engine's compilation cache (vLLM), shared by the workers of every model that uses the cache. @default none */
  readonly compilationCache?: ModelCacheCompilationCache;
  /**
   * What prune and destroy do with the PVCs: "retain" releases them (the weights stay for the
   * next apply, or for another stack); "delete" deletes them, unless a model of another stack
   * still mounts them. @default "retain"
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Extra labels on the PVCs and the Job. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The pinned default downloader: huggingface_hub's `hf download` (hf CLI guide, huggingface_hub 1.x). */
export const DEFAULT_DOWNLOADER_IMAGE = 'python:3.12-slim';
export const DEFAULT_HF_HUB_VERSION = '1.30.0';
export const DEFAULT_CACHE_RETRIES = 4;
export const DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 14400;
/** Volume name of the weights in every pod that mounts them. */
export const MODEL_CACHE_VOLUME = 'model-cache';
export const COMPILE_CACHE_VOLUME = 'compile-cache';

/** A storage size, as a Kubernetes quantity. */
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/, { message: 'Fix: use a size like "50Gi"' });

/** Branch names that move: a cache pinned to one is not pinned. */
const MOVING_REVISIONS = new Set(['main', 'master', 'head', 'dev', 'develop', 'latest']);
/** A git ref name or commit hash: no spaces, no "..", no leading "-" (it would read as a flag). */
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}$/;

const schema = z.strictObject({
  model: z.string().min(1),
  revision: z.string().optional(),
  name: s.dnsLabel.optional(),
  namespace: s.dnsLabel.optional(),
  size: quantity.optional(),
  storageClass: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)).optional(),
  accessMode: z.enum(['ReadWriteMany', 'ReadWriteOnce']).optional(),
  existingClaim: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)).optional(),
  hfTokenSecret: s.secretKeyRef.optional(),
  retries: z.number().int().min(0).max(100).optional(),
  downloadTimeoutSeconds: z.number().int().min(60).optional(),
  downloaderImage: z.string().min(1).optional(),
  compilationCache: z
    .strictObject({
      size: quantity,
      storageClass: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)).optional(),
    })
    .optional(),
  removalPolicy: z.enum(['retain', 'delete']).optional(),
  labels: s.stringMap.optional(),
});

type Parsed = z.infer<typeof schema>;

/** Issues of a revision: unset, a moving branch, or not a revision at all. */
export function revisionIssues(prop: string, revision: string | undefined, model: string): PropIssue[] {
  const fix = `set ${prop} to a commit hash of ${model} (the "Files and versions" page lists them) or a release tag`;
  if (revision === undefined || revision === '') {
    return [
      {
        prop,
        value: revision,
        problem: 'is required: an unpinned cache downloads whatever "main" is at the time, and a moving branch silently changes what runs',
        fix,
      },
    ];
  }
  if (MOVING_REVISIONS.has(revision.toLowerCase()) || /^refs\/(heads|pr)\//.test(revision)) {
    return [{ prop, value: revision, problem: 'is a branch, which moves: what runs would change without a change to the stack', fix }];
  }
  if (!REVISION.test(revision) || revision.includes('..')) {
    return [{ prop, value: revision, problem: 'is not a commit hash or tag name', fix }];
  }
  return [];
}

/** The download's shell script; the model, revision and directory come from the environment. */
export function downloadScript(installCli: boolean): string {
  return [
    'set -eu',
    `marker="$MODEL_DIR/${COMPLETE_MARKER}"`,
    'if [ -f "$marker" ] && [ "$(cat "$marker")" = "$REVISION" ]; then echo "modelstack: $MODEL@$REVISION is already in the cache"; exit 0; fi',
    'mkdir -p "$MODEL_DIR" "$HF_HOME"',
    ...(installCli ? [`pip install --no-cache-dir --quiet --root-user-action=ignore "huggingface_hub==${DEFAULT_HF_HUB_VERSION}"`] : []),
    // hf CLI (huggingface_hub >= 0.34): `hf download REPO --revision REV --local-dir DIR` writes the
    // files themselves (no symlinks) and resumes partial ones on a retry; HF_TOKEN is read from the env.
    'hf download "$MODEL" --revision "$REVISION" --local-dir "$MODEL_DIR"',
    'printf "%s" "$REVISION" > "$marker"',
    'echo "modelstack: downloaded $MODEL@$REVISION"',
  ].join('\n');
}

/**
 * Model weights downloaded once into a volume: a PVC (or an existing claim), a download Job
 * that fetches one pinned revision of a Hugging Face model into it with the `hf` CLI (token
 * from a Secret, retries, a completion marker), and optionally a compilation-cache PVC. Models
 * take it as their `cache` prop: they mount the volume read-only, point the engine at the
 * local directory and wait for the marker before starting.
 */
export class ModelCache extends Construct {
  /** Whether `x` is a ModelCache. */
  public static isModelCache(x: unknown): x is ModelCache {
    return x instanceof ModelCache;
  }

  public readonly name: string;
  public readonly namespace: string;
  /** Hugging Face id of the cached repository. */
  public readonly model: string;
  /** The pinned revision; undefined when the props are invalid. */
  public readonly revision?: string;
  /** The PVC the weights are in. */
  public readonly claimName: string;
  /** The compilation-cache PVC, when there is one. */
  public readonly compilationClaimName?: string;
  /** Directory of the weights as the engine sees it; undefined when the props are invalid. */
  public readonly modelPath?: string;
  /** Whether the props are valid (a model using an invalid cache renders nothing either). */
  public readonly valid: boolean;
  /** Most seconds the download may take (the Job's activeDeadlineSeconds). */
  public readonly downloadTimeoutSeconds: number;
  /** The download Job; undefined when the props are invalid. */
  public readonly job?: ApiObject;
  /** What a model using the cache says about it (for local runs); undefined when invalid. */
  public readonly descriptor?: ModelCacheDescriptor;

  public constructor(scope: Construct, id: string, props: ModelCacheProps) {
    super(scope, id);
    const stack = ModelStack.of(this);
    this.name = props?.name ?? nameFromId(id);
    this.namespace = props?.namespace ?? stack.defaultNamespace;
    this.model = props?.model;
    this.claimName = props?.existingClaim ?? this.name;
    this.downloadTimeoutSeconds = props?.downloadTimeoutSeconds ?? DEFAULT_DOWNLOAD_TIMEOUT_SECONDS;
    const pre = hfTokenIssues(props?.hfTokenSecret);
    const parsed = parseProps(schema, { ...props, name: this.name, namespace: this.namespace }, pre);
    const issues: PropIssue[] = [...pre, ...parsed.issues];
    const ok = (...p: string[]): boolean => allValid(parsed, ...p);
    const c = parsed.value ?? parsed.partial;
    if (c) issues.push(...cacheIssues(c, ok));
    reportIssues(this, issues);
    const p = parsed.value;
    this.valid = p !== undefined && issues.length === 0;
    if (!p || !this.valid) return;

    this.revision = p.revision!;
    this.modelPath = cachedModelDir(p.model, this.revision);
    // The cache's namespace is created with the stack's others (a cache may be alone in one).
    const ns = stack.namespaceObject(this.namespace, undefined);
    if (ns) this.node.addDependency(ns);
    const labels = { ...p.labels, [MODEL_CACHE_LABEL]: this.name };
    const annotations = { [REMOVAL_POLICY_ANNOTATION]: p.removalPolicy ?? 'retain' };
    if (!p.existingClaim) {
      new ApiObject(this, 'Volume', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: this.name, namespace: this.namespace, labels, annotations },
        spec: {
          accessModes: [p.accessMode ?? 'ReadWriteMany'],
          resources: { requests: { storage: p.size! } },
          ...(p.storageClass ? { storageClassName: p.storageClass } : {}),
        },
      });
    }
    if (p.compilationCache) {
      this.compilationClaimName = `${this.name}-compile`;
      const storageClass = p.compilationCache.storageClass ?? p.storageClass;
      new ApiObject(this, 'CompilationVolume', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: this.compilationClaimName, namespace: this.namespace, labels, annotations },
        spec: {
          accessModes: ['ReadWriteMany'],
          resources: { requests: { storage: p.compilationCache.size } },
          ...(storageClass ? { storageClassName: storageClass } : {}),
        },
      });
    }
    const image = p.downloaderImage ?? DEFAULT_DOWNLOADER_IMAGE;
    const command = ['sh', '-c', downloadScript(p.downloaderImage === undefined)];
    const env: Record<string, string> = { MODEL: p.model, REVISION: this.revision, MODEL_DIR: this.modelPath, HF_HOME: CACHE_HF_HOME };
    this.job = new ApiObject(this, 'Download', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: downloadJobName(this.name, p.model, this.revision), namespace: this.namespace, labels },
      spec: {
        backoffLimit: p.retries ?? DEFAULT_CACHE_RETRIES,
        activeDeadlineSeconds: this.downloadTimeoutSeconds,
        template: {
          metadata: { labels: { [MODEL_CACHE_LABEL]: this.name } },
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'download',
                image,
                command,
                env: [
                  ...Object.entries(env).map(([name, value]) => ({ name, value })),
                  ...(p.hfTokenSecret ? [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: p.hfTokenSecret.name, key: p.hfTokenSecret.key } } }] : []),
                ],
                volumeMounts: [{ name: MODEL_CACHE_VOLUME, mountPath: CACHE_MOUNT_PATH }],
              },
            ],
            volumes: [{ name: MODEL_CACHE_VOLUME, persistentVolumeClaim: { claimName: this.claimName } }],
          },
        },
      },
    });
    this.descriptor = {
      name: this.name,
      claimName: this.claimName,
      model: p.model,
      revision: this.revision,
      modelPath: this.modelPath,
      download: { image, command, env },
      ...(this.compilationClaimName ? { compilationClaimName: this.compilationClaimName } : {}),
      ...(p.hfTokenSecret ? { hfTokenSecret: { name: p.hfTokenSecret.name, key: p.hfTokenSecret.key } } : {}),
    };
  }
}

/**
 * The Job's name: the cache's name and a hash of what it downloads. A Job's pod template cannot
 * change, so a new revision is a new Job (the old one is pruned), never a refused update.
 */
export function downloadJobName(cache: string, model: string, revision: string): string {
  const hash = createHash('sha256').update(`${model}@${revision}`).digest('hex').slice(0, 8);
  return `${cache.slice(0, 63 - '-download-'.length - 8)}-download-${hash}`;
}

function cacheIssues(c: Parsed, ok: (...p: string[]) => boolean): PropIssue[] {
  const issues: PropIssue[] = [];
  if (ok('model')) {
    const idIssues = modelIdIssues('model', c.model, [], 'the download');
    if (idIssues.length > 0) issues.push(...idIssues);
    else if (c.model.startsWith('/') || c.model.startsWith('.')) {
      issues.push({
        prop: 'model',
        value: c.model,
        problem: 'is a path; a cache downloads a Hugging Face repository',
        fix: 'use the Hugging Face id of the model (e.g. "Qwen/Qwen3-0.6B"), or drop the cache and mount the path yourself',
      });
    }
  }
  if (ok('revision', 'model')) issues.push(...revisionIssues('revision', c.revision, c.model));
  if (ok('size', 'existingClaim')) {
    if (c.size === undefined && c.existingClaim === undefined) {
      issues.push({
        prop: 'size',
        value: undefined,
        problem: 'is required to create the volume',
        fix: 'set size to the weights\' size plus room (e.g. "50Gi"), or set existingClaim to a PVC you made',
      });
    } else if (c.size !== undefined && c.existingClaim !== undefined) {
      issues.push({
        prop: 'size',
        value: c.size,
        problem: 'has no effect with existingClaim (that PVC has its own size)',
        fix: 'remove size, or remove existingClaim to create the volume',
      });
    }
  }
  if (c.existingClaim !== undefined) {
    for (const prop of ['storageClass', 'accessMode'] as const) {
      if (c[prop] !== undefined) {
        issues.push({
          prop,
          value: c[prop],
          problem: 'has no effect with existingClaim (that PVC has its own)',
          fix: `remove ${prop}, or remove existingClaim to create the volume`,
        });
      }
    }
    if (c.removalPolicy === 'delete') {
      issues.push({
        prop: 'removalPolicy',
        value: 'delete',
        problem: 'cannot apply to existingClaim, a PVC the stack did not create and never deletes',
        fix: 'remove removalPolicy, or let the cache create its volume (size) to have it deleted',
      });
    }
  }
  if (ok('downloaderImage')) issues.push(...imageIssues('downloaderImage', c.downloaderImage));
  if (ok('labels')) issues.push(...reservedLabelIssues(c.labels));
  return issues;
}
