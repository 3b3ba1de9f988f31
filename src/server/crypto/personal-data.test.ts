import { describe, expect, it } from 'vitest';
import { FieldCipher } from './field-encryption';
import { blindIndexCandidates, installFieldCipher, openRow, sealRow } from './personal-data';

installFieldCipher(new FieldCipher([{ id: 'u1', key: Buffer.alloc(32, 4) }]));

describe('sealing rows', () => {
  it('seals only the personal-data columns present, leaves undefined ones unset and nulls as null', () => {
    const sealed = sealRow('units', { short_name: '南京科协', contact_mobile: '13912345678', contact_email: null, mailing_address: undefined });
    expect(sealed.short_name).toBe('南京科协');
    expect(sealed.contact_mobile).toMatch(/^enc:v1:u1:/);
    expect(sealed.contact_email).toBeNull();
    expect(sealed.mailing_address).toBeUndefined();
    expect(openRow('units', sealed)).toEqual({ short_name: '南京科协', contact_mobile: '13912345678', contact_email: null, mailing_address: undefined });
  });

  it('adds the blind index beside a searched column, normalised like the lookup', () => {
    const sealed = sealRow('activity_signups', { mobile: '13600001234' }) as { mobile: string; mobile_index?: string };
    expect(sealed.mobile_index).toMatch(/^u1:/);
    expect(blindIndexCandidates('activity_signups', 'mobile', ' 13600001234 ')).toEqual([sealed.mobile_index]);
    expect(sealRow('users', { email: 'a@b.cn' })).not.toHaveProperty('email_index');
  });
});
