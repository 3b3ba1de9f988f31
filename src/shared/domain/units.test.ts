import { describe, expect, it } from 'vitest';
import { coveringPaths, idsOnPath, isInSubtree, levelOfRegionCode, regionalAssociationNames } from './units';

describe('unit tree helpers', () => {
  it('tests subtree membership by path prefix', () => {
    expect(isInSubtree('/1/11/103/', '/1/11/')).toBe(true);
    expect(isInSubtree('/1/11/', '/1/11/')).toBe(true);
    expect(isInSubtree('/1/110/', '/1/11/')).toBe(false);
  });
  it('reads ids from a path and levels from region codes', () => {
    expect(idsOnPath('/1/11/103/')).toEqual([1, 11, 103]);
    expect(levelOfRegionCode('32')).toBe('provincial');
    expect(levelOfRegionCode('3201')).toBe('city');
    expect(levelOfRegionCode('320102')).toBe('county');
  });
  it('keeps only the outermost subtrees', () => {
    expect(coveringPaths(['/1/11/103/', '/1/11/', '/1/12/', '/1/11/'])).toEqual(['/1/11/', '/1/12/']);
  });
  it('names regional associations as offices write them', () => {
    expect(regionalAssociationNames('江苏省')).toEqual({ name: '江苏省科学技术协会', shortName: '江苏省科协' });
  });
});
