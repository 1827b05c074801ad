import { ModelstackError } from '../../errors.js';
import { HF_CACHE_TARGET } from './compose-env.js';
import type { ComposeServiceVolume, ComposeVolume } from './compose-types.js';

export const DEFAULT_HF_CACHE_VOLUME = 'hf-cache';

/** The Hugging Face cache every service mounts, and the named volume to declare, if any. */
export interface HfCache {
  readonly mount: ComposeServiceVolume;
  readonly volume?: { readonly name: string; readonly spec: ComposeVolume };
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * `hfCache` is an absolute host path (bind mount, created when missing) or the name of a named
 * volume (declared in the file, so compose creates it and keeps it across runs).
 */
export function hfCache(hfCacheOption: string | undefined): HfCache {
  const value = hfCacheOption ?? DEFAULT_HF_CACHE_VOLUME;
  if (value.startsWith('/')) {
    return { mount: { type: 'bind', source: value, target: HF_CACHE_TARGET, bind: { create_host_path: true } } };
  }
  if (value.includes('/') || value.startsWith('.') || value.startsWith('~') || !VOLUME_NAME.test(value)) {
    throw new ModelstackError('LOCAL', `hf cache "${value}" is neither an absolute path nor a volume name`, {
      hint: 'pass an absolute host directory (e.g. "$HOME/.cache/huggingface" expanded by your shell) or a volume name like "hf-cache"',
    });
  }
  return { mount: { type: 'volume', source: value, target: HF_CACHE_TARGET }, volume: { name: value, spec: {} } };
}
