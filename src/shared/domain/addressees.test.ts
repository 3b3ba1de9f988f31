import { describe, expect, it } from 'vitest';
import { addresseePhrase, composeAddresseeText, type AddresseeRule } from './addressees';

describe('addressee phrases', () => {
  it('writes the Shandong notice’s addressee line from its rules', () => {
    const rules: AddresseeRule[] = [
      { kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' },
      { kind: 'units_of_type', unitType: 'learned_society', scope: 'children' },
      { kind: 'units_of_type', unitType: 'enterprise_association', scope: 'children' },
      { kind: 'units_of_type', unitType: 'university_association', scope: 'children' },
      { kind: 'units_of_type', unitType: 'internal_department', scope: 'children' },
      { kind: 'units_of_type', unitType: 'affiliated_institution', scope: 'children' },
    ];
    expect(composeAddresseeText(rules.map((r) => addresseePhrase(r, 'provincial')))).toBe(
      '各市科协，各省级学会，各企业科协，各高校科协，机关各部室，各直属单位',
    );
  });

  it('names societies by the issuer’s level, tags and explicit units', () => {
    expect(addresseePhrase({ kind: 'units_of_type', unitType: 'learned_society', scope: 'children' }, 'city')).toBe('各市级学会');
    expect(addresseePhrase({ kind: 'units_of_type', unitType: 'regional_association', level: 'county', scope: 'subtree' }, 'city')).toBe(
      '各县（市、区）科协',
    );
    expect(addresseePhrase({ kind: 'tag', tag: '高新区' }, 'city')).toBe('各高新区科协');
    expect(addresseePhrase({ kind: 'units', unitIds: [1, 2] }, 'city', () => ['甲科协', '乙学会'])).toBe('甲科协，乙学会');
    expect(composeAddresseeText(['各市科协', '', '各市科协'])).toBe('各市科协');
  });
});
