import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, signInThroughUi, startBrowserHarness, type BrowserHarness } from '../support/browser';
import { createUser, regionalUnit, rootUnit } from '../support/factories';
import { convertWithLibreOffice, libreOfficeAvailable, pdfToText, pdfToTextAvailable } from '../support/libreoffice';
import { signIn, type Client } from '../support/test-app';
import { openRow, sealRow } from '../../src/server/crypto/personal-data';

/**
 * Issue 6 in the browser: 玄武、秦淮、建邺 send their items to 南京市科协, which recommends 2 (a third
 * is refused by the quota 江苏 set); 江苏省科协 recommends one of them to 中国科协; the national
 * round with 3 experts — one of 江苏省科协, kept off Jiangsu's candidates — is scored, ranked with a
 * tie flagged, decided, publicised for 5 days with one objection filed on the public page and
 * resolved, announced; the 通报 is drafted, issued and read back through LibreOffice, and the
 * plaque address labels are downloaded.
 */
describe.skipIf(!browserAvailable())('recommendation, evaluation and commendation in the browser', () => {
  const year = 2027;
  const stamp = Date.now() % 100000;
  let h: BrowserHarness;
  const people: Record<string, { username: string; password: string; id: number }> = {};
  const units: Record<string, { id: number; name: string; short_name: string }> = {};
  const tasks = { national: 0, jiangsu: 0, nanjing: 0 };
  let nationalNoticeTitle = '';
  let roundId = 0;
  const counties = ['xuanwu', 'qinhuai', 'jianye'] as const;
  const countyTitles: Record<(typeof counties)[number], string> = {
    xuanwu: '玄武区“科技工作者之家”开放日',
    qinhuai: '秦淮区科技志愿服务进社区',
    jianye: '建邺区青少年科学探索营',
  };
  // What 南京 recommends (the third is refused) and what 江苏 passes on.
  const nanjingPicks = [countyTitles.xuanwu, countyTitles.qinhuai];
  const refused = countyTitles.jianye;
  const jiangsuPick = countyTitles.xuanwu;

  beforeAll(async () => {
    h = await startBrowserHarness();
    const db = h.t.db;
    Object.assign(units, {
      national: await rootUnit(db),
      jiangsu: await regionalUnit(db, '32'),
      zhejiang: await regionalUnit(db, '33'),
      anhui: await regionalUnit(db, '34'),
      nanjing: await regionalUnit(db, '3201'),
      xuanwu: await regionalUnit(db, '320102'),
      qinhuai: await regionalUnit(db, '320104'),
      jianye: await regionalUnit(db, '320105'),
      shanghai: await regionalUnit(db, '31'),
      beijing: await regionalUnit(db, '11'),
    });
    // Where the plaques go when the winner's form gives no address: the unit's own record.
    const addresses: Record<string, [string, string, string]> = {
      jiangsu: ['南京市鼓楼区北京西路72号', '苏宣', '13700000032'],
      zhejiang: ['浙江省杭州市西湖区某路1号', '钱江', '13700000033'],
      anhui: ['安徽省合肥市蜀山区某路2号', '皖山', '13700000034'],
      xuanwu: ['南京市玄武区长江路1号', '玄武联系人', '13700000102'],
    };
    for (const [key, [address, name, mobile]] of Object.entries(addresses)) {
      await db.updateTable('units').set(sealRow('units', { mailing_address: address, contact_name: name, contact_mobile: mobile })).where('id', '=', units[key]!.id).execute();
    }
    const make = async (key: string, unit: string, roles: Parameters<typeof createUser>[2]) => {
      people[key] = await createUser(db, units[unit]!.id, roles, { username: `${key}-${stamp}` });
    };
    await make('national', 'national', ['campaign_manager']);
    await make('jiangsu', 'jiangsu', ['campaign_manager']);
    await make('nanjing', 'nanjing', ['campaign_manager']);
    for (const county of counties) await make(county, county, ['contact']);
    // The three experts: one of 上海市科协, one of 江苏省科协, one of 北京市科协.
    await make('expert-sh', 'shanghai', ['reviewer']);
    await make('expert-js', 'jiangsu', ['reviewer']);
    await make('expert-bj', 'beijing', ['reviewer']);

    // The notices down the chain (not the subject here): 中国科协 → 江苏省科协 → 南京市科协 → the counties.
    const client = async (key: string) => signIn(h.t.app, people[key]!.username, people[key]!.password);
    const national = await client('national');
    const form = await national.post('/api/v1/forms', { unitId: units.national!.id, name: '特色亮点活动', templateKey: 'shandong_featured_activity' });
    expect(form.statusCode, form.body).toBe(201);
    nationalNoticeTitle = `关于开展${year}年“全国科技工作者日”活动的通知`;
    const draft = await national.post('/api/v1/notices', {
      issuerUnitId: units.national!.id,
      documentNumber: `科协发〔${year}〕9号`,
      title: nationalNoticeTitle,
      addresseeRules: [{ kind: 'units', unitIds: [units.jiangsu!.id, units.zhejiang!.id, units.anhui!.id] }],
      tasks: [
        {
          title: '特色亮点活动',
          deadline: `${year}-06-10`,
          formVersionId: form.json().latest.id,
          quota: { minItems: 1, maxItems: 2 },
          // Each province recommends one to the national pool.
          recommendationQuota: { default: { min: 0, max: 1 }, byUnitType: {} },
        },
      ],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const issued = await national.post(`/api/v1/notices/${draft.json().id}/issue`, { version: draft.json().version });
    expect(issued.statusCode, issued.body).toBe(200);
    tasks.national = issued.json().tasks[0].id;
    // 江苏 lets each 设区市科协 recommend 2, as real notices set it.
    const js = await forward(await client('jiangsu'), issued.json().id, `苏科协发〔${year}〕5号`, `${year}-06-05`, {
      default: { min: 0, max: 1 },
      byUnitType: { regional_association: { min: 0, max: 2 } },
    });
    tasks.jiangsu = js.taskId;
    const nanjing = await client('nanjing');
    const nj = await forward(nanjing, js.noticeId, `宁科协发〔${year}〕3号`, `${year}-05-31`);
    tasks.nanjing = nj.taskId;

    // Each county submits one item, and 南京 accepts it.
    for (const county of counties) {
      const c = await client(county);
      const saved = await c.put(`/api/v1/collection-tasks/${tasks.nanjing}/submission`, {
        values: {
          fields: {},
          items: [
            {
              key: 'a',
              fields: {
                title: countyTitles[county],
                host: `${units[county]!.name}`,
                contact: { name: `${county}联系人`, mobile: '13900000000' },
                workPlan: '组织科技工作者开展科普宣讲、咨询服务和座谈交流。',
              },
            },
          ],
        },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const submitted = await c.post(`/api/v1/collection-tasks/${tasks.nanjing}/submission/submit`, { version: saved.json().version });
      expect(submitted.statusCode, submitted.body).toBe(200);
      const accepted = await nanjing.post(`/api/v1/submissions/${submitted.json().id}/accept`, { version: submitted.json().version });
      expect(accepted.statusCode, accepted.body).toBe(200);
    }
  });
  afterAll(() => h?.close());

  const choose = async (page: Page, testId: string, optionText: string) => {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: optionText }).first().click();
  };
  const chooseMany = async (page: Page, testId: string, optionTexts: string[]) => {
    await page.getByTestId(testId).click();
    for (const text of optionTexts) await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
  };
  const download = async (page: Page, click: () => Promise<void>): Promise<{ body: Buffer; name: string }> => {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    const stream = await (file as Download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { body: Buffer.concat(chunks), name: (file as Download).suggestedFilename() };
  };
  const signedIn = async (key: string) => {
    const page = await h.newPage();
    await signInThroughUi(page, people[key]!.username, people[key]!.password);
    return page;
  };
  const poolRow = (page: Page, title: string) => page.getByTestId('pool-row').filter({ hasText: title });
  const recommendThrough = async (page: Page, title: string, reason: string) => {
    await poolRow(page, title).getByTestId('recommend-button').click();
    await page.getByTestId('recommend-reason').fill(reason);
    await page.getByTestId('recommend-submit').click();
  };
  const liveRecommendations = (fromUnit: number) =>
    h.t.db.selectFrom('recommendations as r').innerJoin('activities as a', 'a.id', 'r.activity_id').select(['a.title', 'r.reason']).where('r.from_unit_id', '=', fromUnit).where('r.withdrawn_at', 'is', null).execute();
  const nextStage = async (page: Page) => {
    await page.getByTestId('evaluation-next-stage').click();
    await page.getByTestId('evaluation-next-stage-confirm').click();
  };
  const stage = (page: Page) => page.getByTestId('evaluation-stage').getAttribute('data-stage');
  const candidateRow = (page: Page, title: string) => page.getByTestId('candidate-row').filter({ hasText: title });
  const expertName = (key: string) => `测试用户${people[key]!.username}`;

  it('南京市科协 recommends two of its three counties’ items to 江苏; the third is refused by the quota', async () => {
    const page = await signedIn('nanjing');
    await page.goto(`/collect/${tasks.nanjing}?tab=recommend`);
    await page.getByTestId('pool-table').waitFor();
    await expect.poll(() => page.getByTestId('pool-row').count()).toBe(3);
    await expect.poll(() => page.getByTestId('recommend-quota').innerText()).toMatch(/0\s*\/\s*2/);

    for (const title of nanjingPicks) {
      await recommendThrough(page, title, '群众参与面广，效果突出');
      await expect.poll(() => poolRow(page, title).getAttribute('data-recommended')).toBe('true');
    }
    await expect.poll(() => page.getByTestId('recommend-quota').innerText()).toMatch(/2\s*\/\s*2/);

    await recommendThrough(page, refused, '也很有特色');
    await expect.poll(() => page.getByTestId('recommend-error').innerText()).toContain('南京市科协最多可推荐 2 项，已推荐 2 项');
    expect((await liveRecommendations(units.nanjing!.id)).map((r) => r.title).sort()).toEqual([...nanjingPicks].sort());
  });

  it('江苏省科协 recommends one of them to 中国科协, with the chain visible', async () => {
    const page = await signedIn('jiangsu');
    await page.goto(`/collect/${tasks.jiangsu}?tab=recommend`);
    await page.getByTestId('pool-table').waitFor();
    await expect.poll(() => page.getByTestId('pool-row').count()).toBe(2);
    for (const title of nanjingPicks) await expect.poll(() => poolRow(page, title).innerText()).toContain('南京市科协');
    await recommendThrough(page, jiangsuPick, '全省最具代表性');
    await expect.poll(() => poolRow(page, jiangsuPick).getAttribute('data-recommended')).toBe('true');
    await expect.poll(() => page.getByTestId('recommend-quota').innerText()).toMatch(/1\s*\/\s*1/);

    await poolRow(page, jiangsuPick).getByTestId('provenance-open').click();
    await expect.poll(() => page.getByTestId('provenance-row').count()).toBe(2);
    const chain = await page.getByTestId('provenance-row').allInnerTexts();
    expect(chain[0]).toContain('南京市科协');
    expect(chain[0]).toContain('群众参与面广，效果突出');
    expect(chain[1]).toContain('中国科协');
    expect(chain[1]).toContain('全省最具代表性');
    expect((await liveRecommendations(units.jiangsu!.id)).map((r) => r.title)).toEqual([jiangsuPick]);
  });

  it('中国科协 creates the national round, proposes candidates and assigns 3 experts, never 江苏’s expert to Jiangsu', async () => {
    const page = await signedIn('national');
    await page.goto('/evaluations');
    await page.getByTestId('evaluation-create').click();
    await page.getByTestId('evaluation-form').waitFor();
    await page.getByTestId('evaluation-title').fill(`${year}年“全国科技工作者日”活动评选`);
    await choose(page, 'evaluation-source-notice', nationalNoticeTitle);
    await choose(page, 'evaluation-source-task', '特色亮点活动');
    // Two categories: 优秀组织单位 (2 places) and 优秀活动案例 (1 place).
    await page.getByTestId('categories.1.remove').click();
    await expect.poll(() => page.getByTestId('evaluation-category').count()).toBe(2);
    await page.getByTestId('categories.0.places').fill('2');
    await page.getByTestId('categories.1.places').fill('1');
    await expect.poll(() => page.getByTestId('evaluation-publicity-days').inputValue()).toBe('5');
    await page.getByTestId('evaluation-save').click();
    await page.getByTestId('evaluation-page').waitFor();
    roundId = Number(/\/evaluations\/(\d+)/.exec(page.url())?.[1]);
    expect(roundId).toBeGreaterThan(0);
    const categories = await h.t.db.selectFrom('evaluation_categories').select(['name', 'kind', 'places']).where('round_id', '=', roundId).orderBy('sort_order').execute();
    expect(categories).toEqual([
      { name: '优秀组织单位', kind: 'unit', places: 2 },
      { name: '优秀活动案例', kind: 'activity', places: 1 },
    ]);

    // Candidates: the three provinces the notice reached, and the one activity recommended to 中国科协.
    await page.getByTestId('evaluation-propose').click();
    await expect.poll(() => page.getByTestId('candidate-row').count()).toBe(4);
    for (const name of ['江苏省科协', '浙江省科协', '安徽省科协', jiangsuPick]) await expect.poll(() => candidateRow(page, name).count()).toBe(1);
    await expect.poll(() => candidateRow(page, '江苏省科协').first().getByTestId('candidate-record').innerText()).toMatch(/1/);
    // 资格审查: all four pass.
    for (let i = 0; i < 4; i++) {
      const toggle = page.getByTestId('candidate-eligible').nth(i);
      await toggle.click();
      await expect.poll(() => toggle.getAttribute('data-eligible')).toBe('true');
    }

    // The three experts, found by name.
    for (const key of ['expert-sh', 'expert-js', 'expert-bj']) {
      await page.getByTestId('reviewers-select').click();
      await page.keyboard.type(people[key]!.username);
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: expertName(key) }).first().click();
      await page.keyboard.press('Escape');
    }
    await expect.poll(() => page.getByTestId('reviewers-select').locator('.ant-select-selection-item').count()).toBe(3);
    await page.getByTestId('reviewers-save').click();
    await expect.poll(() => page.getByTestId('reviewer-row').count()).toBe(3);

    await nextStage(page);
    await expect.poll(() => stage(page)).toBe('review');
    await page.getByTestId('assign-per-candidate').fill('2');
    await page.getByTestId('assign-submit').click();
    await expect.poll(() => page.getByTestId('candidate-reviewer').count()).toBe(8);
    // 江苏's expert is kept off 江苏省科协 and off the activity from 南京 (below 江苏), automatically.
    for (const jiangsuCandidate of ['江苏省科协', jiangsuPick]) {
      const names = await candidateRow(page, jiangsuCandidate).getByTestId('candidate-reviewer').allInnerTexts();
      expect(names).toHaveLength(2);
      expect(names.join(' ')).not.toContain(expertName('expert-js'));
    }
    for (const other of ['浙江省科协', '安徽省科协']) {
      expect((await candidateRow(page, other).getByTestId('candidate-reviewer').allInnerTexts()).join(' ')).toContain(expertName('expert-js'));
    }
    await expect.poll(() => page.getByTestId('assign-shortfall').count()).toBe(0);
  });

  it('the three experts score in the browser; the ranking flags the tie between 浙江 and 安徽', async () => {
    // Every expert gives 浙江 and 安徽 the same marks, so they tie below 江苏.
    const plan = (title: string): number[] => (title.includes('江苏省科协') ? [90, 90, 90] : title.includes('浙江') || title.includes('安徽') ? [80, 85, 85] : [88, 92, 90]);
    for (const key of ['expert-sh', 'expert-js', 'expert-bj']) {
      const page = await signedIn(key);
      await page.goto('/reviews');
      await page.getByTestId('reviews-page').waitFor();
      await expect.poll(() => page.getByTestId('review-row').count()).toBeGreaterThan(0);
      const rows = await page.getByTestId('review-row').count();
      // 江苏's expert never sees Jiangsu's candidates.
      if (key === 'expert-js') {
        const texts = (await page.getByTestId('review-row').allInnerTexts()).join('\n');
        expect(texts).not.toContain('江苏省科协');
        expect(texts).not.toContain(jiangsuPick);
      }
      for (let i = 0; i < rows; i++) {
        const row = page.getByTestId('review-row').nth(i);
        await row.click();
        const candidateId = await row.getAttribute('data-candidate-id');
        const card = page.locator(`[data-testid="review-card"][data-candidate-id="${candidateId}"]`);
        await card.waitFor();
        const title = await card.locator('.ant-card-head-title').innerText();
        const marks = plan(title);
        const inputs = card.locator('[data-testid^="review-score-"]');
        await expect.poll(() => inputs.count()).toBe(3);
        for (let c = 0; c < 3; c++) await inputs.nth(c).fill(String(marks[c]));
        await card.getByTestId('review-comment').fill('组织有力，成效明显。');
        await card.getByTestId('review-submit-scores').click();
        await expect.poll(() => row.getByTestId('review-state').getAttribute('data-state')).toBe('submitted');
      }
    }
    const assignments = await h.t.db
      .selectFrom('evaluation_assignments as a')
      .innerJoin('evaluation_candidates as c', 'c.id', 'a.candidate_id')
      .innerJoin('evaluation_categories as cat', 'cat.id', 'c.category_id')
      .select(['a.submitted_at'])
      .where('cat.round_id', '=', roundId)
      .execute();
    expect(assignments).toHaveLength(8);
    expect(assignments.every((a) => a.submitted_at !== null)).toBe(true);

    const page = await signedIn('national');
    await page.goto(`/evaluations/${roundId}`);
    await page.getByTestId('evaluation-page').waitFor();
    // Each expert's progress: everything assigned is scored (3, 2 and 3: 江苏's expert had only 浙江 and 安徽).
    await expect
      .poll(async () => (await page.getByTestId('reviewer-row').allInnerTexts()).map((r) => r.split('\t').slice(2, 4).map((n) => n.trim()).join('/')))
      .toEqual(['3/3', '2/2', '3/3']);
    const units = page.getByTestId('results-table').first();
    await expect.poll(() => units.getByTestId('result-row').count()).toBe(3);
    const ranking = await units.getByTestId('result-row').evaluateAll((rows) => rows.map((r) => [r.textContent ?? '', r.getAttribute('data-rank'), r.getAttribute('data-tied')]));
    expect(ranking[0]![0]).toContain('江苏省科协');
    expect(ranking.map((r) => [r[1], r[2]])).toEqual([
      ['1', 'false'],
      ['2', 'true'],
      ['2', 'true'],
    ]);
    expect(ranking.slice(1).map((r) => (r[0]!.includes('浙江省科协') ? '浙江' : r[0]!.includes('安徽省科协') ? '安徽' : r[0])).sort()).toEqual(['安徽', '浙江']);
    await expect.poll(() => units.getByTestId('result-tied').count()).toBe(2);
    expect(await units.getByTestId('result-row').first().innerText()).toContain('90.00');
    expect(await units.getByTestId('result-row').nth(1).innerText()).toContain('83.00');
  });

  it('中国科协 decides within the places, opens a 5-day publicity; an objection filed on the public page is resolved; the round is announced', async () => {
    const page = await signedIn('national');
    await page.goto(`/evaluations/${roundId}`);
    await page.getByTestId('evaluation-page').waitFor();
    await nextStage(page);
    await expect.poll(() => stage(page)).toBe('decision');
    const [unitCategory, activityCategory] = await h.t.db.selectFrom('evaluation_categories').select('id').where('round_id', '=', roundId).orderBy('sort_order').execute();

    // Three for two places is refused; the tie is broken by the decision: 浙江 over 安徽.
    await chooseMany(page, `decision-select-${unitCategory!.id}`, ['江苏省科协', '浙江省科协', '安徽省科协']);
    await page.getByTestId(`decision-save-${unitCategory!.id}`).click();
    await expect.poll(() => page.getByTestId('decision-error').innerText()).toContain('“优秀组织单位”最多评出 2 个');
    await page.getByTestId(`decision-select-${unitCategory!.id}`).locator('.ant-select-selection-item').filter({ hasText: '安徽省科协' }).locator('.ant-select-selection-item-remove').click();
    await page.getByTestId(`decision-save-${unitCategory!.id}`).click();
    await chooseMany(page, `decision-select-${activityCategory!.id}`, [jiangsuPick]);
    await page.getByTestId(`decision-save-${activityCategory!.id}`).click();
    const selected = async () =>
      (await h.t.db.selectFrom('evaluation_candidates as c').innerJoin('units as u', 'u.id', 'c.unit_id').leftJoin('activities as a', 'a.id', 'c.activity_id').select(['u.short_name', 'a.title', 'c.final_rank']).where('c.selected', '=', true).where('c.category_id', 'in', [unitCategory!.id, activityCategory!.id]).orderBy('c.category_id').orderBy('c.final_rank').execute()).map((c) => c.title ?? c.short_name);
    await expect.poll(selected).toEqual(['江苏省科协', '浙江省科协', jiangsuPick]);

    await nextStage(page);
    await expect.poll(() => stage(page)).toBe('publicity');
    const round = await h.t.db.selectFrom('evaluation_rounds').select(['publicity_starts_at', 'publicity_ends_at']).where('id', '=', roundId).executeTakeFirstOrThrow();
    expect((round.publicity_ends_at!.getTime() - round.publicity_starts_at!.getTime()) / 86_400_000).toBe(5);
    await page.getByTestId('publicity-window-admin').waitFor();

    // Anyone, signed out, reads the list on the public page and objects to 浙江省科协.
    const visitor = await h.newPage({ viewport: { width: 390, height: 844 } });
    await visitor.goto(`/publicity/${roundId}`);
    await visitor.getByTestId('publicity-page').waitFor();
    await expect.poll(() => visitor.getByTestId('publicity-candidate').count()).toBe(3);
    const publicText = await visitor.getByTestId('publicity-page').innerText();
    expect(publicText).toContain('浙江省科学技术协会');
    expect(publicText).not.toMatch(/1370000003|西湖区|13900000000/);
    await visitor.getByTestId('publicity-candidate').filter({ hasText: '浙江省科学技术协会' }).getByRole('button').click();
    await visitor.getByTestId('objection-content').fill('该单位有一项活动存在重复申报的情况。');
    await visitor.getByTestId('objection-contact').fill('138****0000');
    await visitor.getByTestId('objection-submit').click();
    await visitor.getByTestId('objection-done').waitFor();

    // The objection reaches the organiser; the round cannot be announced before the 5 days end.
    await page.reload();
    await expect.poll(() => page.getByTestId('objection-row').count()).toBe(1);
    expect(await page.getByTestId('objection-row').innerText()).toContain('重复申报');
    await nextStage(page);
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('公示期满后才能公布结果');
    expect(await stage(page)).toBe('publicity');

    // Five days later, announcing still waits for the objection.
    await h.t.db.updateTable('evaluation_rounds').set({ publicity_starts_at: new Date(Date.now() - 5 * 86_400_000 - 1000), publicity_ends_at: new Date(Date.now() - 1000) }).where('id', '=', roundId).execute();
    await page.reload();
    await page.getByTestId('evaluation-page').waitFor();
    await nextStage(page);
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('还有 1 条异议未处理，不能公布结果');
    expect(await stage(page)).toBe('publicity');

    await page.getByTestId('objection-resolve').click();
    await page.getByTestId('objection-resolution').fill('经核实，该单位不存在重复申报，异议不成立。');
    await page.getByTestId('objection-resolve-submit').click();
    await expect.poll(() => page.getByTestId('objection-row').getAttribute('data-resolved')).toBe('true');
    // The objector's contact is sealed at rest (openRow is what the repository reads it through).
    const objection = openRow('evaluation_objections', await h.t.db.selectFrom('evaluation_objections').selectAll().where('round_id', '=', roundId).executeTakeFirstOrThrow());
    expect(objection).toMatchObject({ upheld: false, contact: '138****0000' });
    expect(objection.resolved_at).not.toBeNull();

    await nextStage(page);
    await expect.poll(() => stage(page)).toBe('announced');
    expect(await selected()).toEqual(['江苏省科协', '浙江省科协', jiangsuPick]);
  });

  it('the 通报 is drafted, issued and read back through LibreOffice; the plaque address labels download', async () => {
    const page = await signedIn('national');
    await page.goto(`/evaluations/${roundId}`);
    await page.getByTestId('evaluation-page').waitFor();
    await page.getByTestId('commendation-create').click();
    await page.getByTestId('commendation-link').click();
    await page.getByTestId('notice-form').waitFor();
    await expect.poll(() => page.locator('#title').inputValue()).toContain('通报表扬');
    await page.locator('#documentNumber').fill(`科协发〔${year}〕30号`);
    await page.getByTestId('notice-issue').click();
    await page.getByTestId('notice-view').waitFor();
    await expect.poll(() => page.getByTestId('notice-status').innerText()).toMatch(/已发|issued/);

    const docx = await download(page, () => page.getByTestId('notice-download-docx').click());
    expect(docx.name).toMatch(/\.docx$/);
    expect(docx.body.subarray(0, 2).toString()).toBe('PK');
    if (libreOfficeAvailable()) {
      const text = (await pdfToText(await convertWithLibreOffice(docx.body, 'docx', 'pdf'))).replace(/\s+/g, '');
      expect(text).toContain(`科协发〔${year}〕30号`);
      expect(text).toContain('优秀组织单位');
      expect(text).toContain('江苏省科学技术协会');
      expect(text).toContain('浙江省科学技术协会');
      expect(text).toContain('优秀活动案例');
      expect(text).toContain(jiangsuPick.replace(/\s+/g, ''));
      expect(text).not.toContain('安徽省科学技术协会');
    }

    await page.goto(`/evaluations/${roundId}`);
    await page.getByTestId('evaluation-page').waitFor();
    // Personal data in bulk: the separate permission, then the password again in the modal.
    await h.t.db.insertInto('personal_data_export_grants').values({ user_id: people.national!.id }).execute();
    const labels = await download(page, async () => {
      await page.getByTestId('mailing-labels').click();
      await page.getByTestId('reauth-password').fill(people.national!.password);
      await page.getByRole('button', { name: '确认并导出' }).click();
    });
    expect(labels.name).toMatch(/\.pdf$/);
    expect(labels.body.subarray(0, 5).toString()).toBe('%PDF-');
    if (pdfToTextAvailable()) {
      const text = (await pdfToText(labels.body)).replace(/\s+/g, '');
      expect(text).toContain('南京市鼓楼区北京西路72号');
      expect(text).toContain('浙江省杭州市西湖区某路1号');
      expect(text).toContain('南京市玄武区长江路1号');
      expect(text).toContain('xuanwu联系人收');
      expect(text).not.toContain('安徽省合肥市蜀山区某路2号');
    }
    const audit = await h.t.db.selectFrom('audit_log').select('details').where('action', '=', 'evaluation.personal_data_export').where('target_id', '=', String(roundId)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ format: 'labels.pdf', rows: 3 });
  });
});

async function forward(client: Client, noticeId: number, documentNumber: string, deadline: string, quota?: unknown) {
  const draft = (await client.post(`/api/v1/notices/${noticeId}/forward`, {})).json();
  const saved = await client.put(`/api/v1/notices/${draft.id}`, {
    version: draft.version,
    documentNumber,
    title: draft.title,
    addresseeRules: [{ kind: 'units_of_type', unitType: 'regional_association', scope: 'children' }],
    bodyHtml: draft.bodyHtml,
    tasks: draft.tasks.map((task: { title: string; description: string; upstreamTaskId: number }) => ({
      title: task.title,
      description: task.description,
      upstreamTaskId: task.upstreamTaskId,
      deadline,
      ...(quota ? { recommendationQuota: quota } : {}),
    })),
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const issued = await client.post(`/api/v1/notices/${draft.id}/issue`, { version: saved.json().version });
  expect(issued.statusCode, issued.body).toBe(200);
  return { noticeId: issued.json().id as number, taskId: issued.json().tasks[0].id as number };
}
