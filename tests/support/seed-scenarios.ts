import type { Db } from '../../src/server/db/database';
import { createUnit, createUser, regionalUnit } from './factories';

/**
 * The units and people of the shandong-yantai-2021 seed: 山东省科协 with the kinds of unit its
 * notice addresses, 烟台市科协 with its 市级学会 and counties, and an account for each office.
 */
export async function shandongScenario(db: Db) {
  const shandong = await regionalUnit(db, '37');
  const yantai = await regionalUnit(db, '3706');
  const zhifu = await regionalUnit(db, '370602');
  const provincialSocieties = [
    await createUnit(db, shandong.id, { name: '山东省计算机学会', shortName: '省计算机学会', type: 'learned_society', level: 'provincial' }),
    await createUnit(db, shandong.id, { name: '山东省农学会', shortName: '省农学会', type: 'learned_society', level: 'provincial' }),
  ];
  const enterprise = await createUnit(db, shandong.id, { name: '浪潮集团科学技术协会', shortName: '浪潮科协', type: 'enterprise_association', level: 'provincial' });
  const university = await createUnit(db, shandong.id, { name: '山东大学科学技术协会', shortName: '山大科协', type: 'university_association', level: 'provincial' });
  const departments = [
    await createUnit(db, shandong.id, { name: '山东省科协办公室', shortName: '省科协办公室', type: 'internal_department', level: 'provincial' }),
    await createUnit(db, shandong.id, { name: '山东省科协科学技术普及部', shortName: '省科协科普部', type: 'internal_department', level: 'provincial' }),
  ];
  const affiliated = await createUnit(db, shandong.id, { name: '山东省科技馆', shortName: '省科技馆', type: 'affiliated_institution', level: 'provincial' });
  const yantaiSocieties = [
    await createUnit(db, yantai.id, { name: '烟台市计算机学会', shortName: '烟台计算机学会', type: 'learned_society', level: 'city' }),
    await createUnit(db, yantai.id, { name: '烟台市医学会', shortName: '烟台医学会', type: 'learned_society', level: 'city' }),
  ];
  const people = {
    shandongManager: await createUser(db, shandong.id, ['campaign_manager'], { username: `sd-manager-${shandong.id}` }),
    yantaiManager: await createUser(db, yantai.id, ['campaign_manager', 'contact'], { username: `yt-manager-${yantai.id}` }),
    zhifuContact: await createUser(db, zhifu.id, ['contact'], { username: `zf-contact-${zhifu.id}` }),
  };
  const counties = await db.selectFrom('units').select(['id', 'short_name']).where('parent_id', '=', yantai.id).where('type', '=', 'regional_association').execute();
  const cities = await db.selectFrom('units').select('id').where('parent_id', '=', shandong.id).where('type', '=', 'regional_association').execute();
  return { shandong, yantai, zhifu, provincialSocieties, enterprise, university, departments, affiliated, yantaiSocieties, people, counties, cities };
}

/** The addressee rules of the Shandong notice: 各市科协、各省级学会、各企业科协、各高校科协、机关各部室、各直属单位. */
export const shandongAddressees = [
  { kind: 'units_of_type', unitType: 'regional_association', level: 'city', scope: 'children' },
  { kind: 'units_of_type', unitType: 'learned_society', scope: 'children' },
  { kind: 'units_of_type', unitType: 'enterprise_association', scope: 'children' },
  { kind: 'units_of_type', unitType: 'university_association', scope: 'children' },
  { kind: 'units_of_type', unitType: 'internal_department', scope: 'children' },
  { kind: 'units_of_type', unitType: 'affiliated_institution', scope: 'children' },
] as const;
