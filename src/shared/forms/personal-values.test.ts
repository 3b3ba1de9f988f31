import { describe, expect, it } from 'vitest';
import { maskPersonalValues, personalDataFields } from './personal-values';
import { jiangsuFeaturedActivityForm, shandongFeaturedActivityForm } from './templates';

describe('personal data in form values', () => {
  it('names the contact and address fields of a form', () => {
    expect(personalDataFields(jiangsuFeaturedActivityForm)).toEqual([
      { key: 'contact', label: '主办单位联系人', kind: 'contact' },
      { key: 'mailingAddress', label: '主办单位邮寄地址', kind: 'address' },
    ]);
    expect(personalDataFields(shandongFeaturedActivityForm).map((f) => f.key)).toEqual(['contact']);
  });

  it("masks a contact's numbers and e-mail and an address, keeping the name and every other field", () => {
    const values = {
      title: '科普宣传周',
      contact: { name: '王五', officePhone: '025-83000000', mobile: '13900000000', fax: '025-83000001', email: 'ww@example.cn' },
      mailingAddress: '南京市玄武区北京东路1号',
      scale: 300,
    };
    expect(maskPersonalValues(jiangsuFeaturedActivityForm, values)).toEqual({
      title: '科普宣传周',
      contact: { name: '王五', officePhone: '025****0000', mobile: '139****0000', fax: '025****0001', email: 'w***@example.cn' },
      mailingAddress: '南京市玄武区****',
      scale: 300,
    });
    // The stored values are left as they were.
    expect(values.contact.mobile).toBe('13900000000');
  });

  it('leaves empty and absent parts alone', () => {
    expect(maskPersonalValues(jiangsuFeaturedActivityForm, { contact: { name: '王五', mobile: '' }, mailingAddress: null })).toEqual({ contact: { name: '王五', mobile: '' }, mailingAddress: null });
    expect(maskPersonalValues(jiangsuFeaturedActivityForm, {})).toEqual({});
  });
});
