import { z } from 'zod';

export const poolItem = z.object({
  activityId: z.number().int(),
  title: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  modules: z.array(z.string()),
  phaseId: z.string().nullable(),
  source: z.enum(['accepted', 'recommended', 'own']),
  recommendedByUnit: z.string().nullable(),
  reason: z.string().nullable(),
  recommendationId: z.number().int().nullable(),
});

export const recommendationPool = z.object({
  upperTask: z
    .object({ id: z.number().int(), title: z.string(), deadline: z.string(), issuerName: z.string(), quota: z.object({ min: z.number().int(), max: z.number().int() }), closed: z.boolean() })
    .nullable(),
  items: z.array(poolItem),
  recommended: z.number().int(),
});

export const recommendBody = z.object({ activityId: z.number().int().positive(), reason: z.string().trim().min(2).max(1000) });

export const provenanceView = z.array(
  z.object({
    fromUnit: z.string(),
    toUnit: z.string(),
    reason: z.string(),
    recommendedAt: z.string(),
    recommendedBy: z.string().nullable(),
    withdrawnAt: z.string().nullable(),
  }),
);
