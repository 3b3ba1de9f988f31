/**
 * Online or offline (线上/线下). The official plan forms have no such field: organisers write it into
 * the place ("线上直播", "腾讯会议"), so it is read from there, the same way in SQL and in code.
 */
export const activityFormats = ['online', 'offline'] as const;
export type ActivityFormat = (typeof activityFormats)[number];

/** A POSIX regular expression PostgreSQL (`~`) and JavaScript read alike. */
export const onlinePlacePattern = '(线上|网络|直播|云端|在线|视频会议|腾讯会议|钉钉|网上)';

const onlinePlace = new RegExp(onlinePlacePattern);

export function activityFormatOf(place: string | null | undefined): ActivityFormat {
  return place && onlinePlace.test(place) ? 'online' : 'offline';
}
