import { z } from 'zod';

export const statisticsQuery = z.object({
  /** The unit whose subtree is counted: the caller's own unit by default. */
  unitId: z.coerce.number().int().positive().optional(),
});

const bucket = z.object({ key: z.string(), label: z.string(), count: z.number().int() });

export const statisticsView = z.object({
  campaignId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  activities: z.number().int(),
  units: z.number().int(),
  byModule: z.array(bucket),
  byPhase: z.array(bucket),
  byRegion: z.array(bucket.extend({ unitId: z.number().int() })),
  byTargetGroup: z.array(bucket),
  byUnitType: z.array(bucket),
  scale: z.object({ expected: z.number().int(), reported: z.number().int().nullable() }),
  onlineOffline: z.array(bucket),
  timeliness: z.array(bucket),
});
export type StatisticsView = z.infer<typeof statisticsView>;

export const overviewView = z.object({
  campaignId: z.number().int(),
  unitName: z.string(),
  theme: z.string(),
  activities: z.number().int(),
  units: z.number().int(),
  expectedParticipants: z.number().int(),
  completion: z.object({ owed: z.number().int(), submitted: z.number().int(), rate: z.number() }),
  topRegions: z.array(z.object({ unitId: z.number().int(), label: z.string(), count: z.number().int() })),
  latest: z.array(z.object({ id: z.number().int(), title: z.string(), unitName: z.string(), modules: z.array(z.string()), startDate: z.string().nullable() })),
});
