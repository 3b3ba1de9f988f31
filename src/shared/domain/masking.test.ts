import { describe, expect, it } from 'vitest';
import { maskAddress, maskEmail, maskName, maskPhone } from './masking';

describe('masking', () => {
  it('masks mobiles as 138****5678 and landlines keeping the ends', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('025-8437 0000')).toBe('025****0000');
    expect(maskPhone('8437 0000')).toBe('84****00');
    expect(maskPhone('123')).toBe('****');
  });
  it('masks e-mails, addresses and names', () => {
    expect(maskEmail('zhangsan@jsast.org.cn')).toBe('z***@jsast.org.cn');
    expect(maskEmail('broken')).toBe('****');
    expect(maskAddress('南京市玄武区北京东路1号')).toBe('南京市玄武区****');
    expect(maskAddress('南京')).toBe('****');
    expect(maskName('张三丰')).toBe('张**');
  });
});
