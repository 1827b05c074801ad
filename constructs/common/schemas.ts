import { z } from 'zod';
import { DNS1123_FIX, isDns1123Label } from '../../src/model/names.js';

/** zod pieces shared by the model constructs. */
export const dnsLabel = z.string().refine(isDns1123Label, { message: `is not a valid DNS-1123 name. Fix: ${DNS1123_FIX}` });

export const secretKeyRef = z.strictObject({
  name: dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/),
});

export const envValue = z.union([z.string(), z.strictObject({ secretKeyRef })]);
export const envMap = z.record(z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/), envValue);

export const args = z.array(z.string());
export const positiveInt = z.number().int().min(1);
export const nonNegativeInt = z.number().int().min(0);

export const podTemplatePatch = z.strictObject({
  metadata: z
    .strictObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
});

export const stringMap = z.record(z.string(), z.string());
