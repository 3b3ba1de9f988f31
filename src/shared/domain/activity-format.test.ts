import { describe, expect, it } from 'vitest';
import { activityFormatOf } from './activity-format';

describe('activityFormatOf', () => {
  it('reads online activities from the place organisers wrote', () => {
    expect(activityFormatOf('线上直播')).toBe('online');
    expect(activityFormatOf('腾讯会议（会议号见通知）')).toBe('online');
    expect(activityFormatOf('南京科技馆 + 网络直播')).toBe('online');
  });

  it('takes everything else, and no place, as offline', () => {
    expect(activityFormatOf('南京科技馆')).toBe('offline');
    expect(activityFormatOf('')).toBe('offline');
    expect(activityFormatOf(null)).toBe('offline');
  });
});
