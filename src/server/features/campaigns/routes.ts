import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../shared/contracts/common';
import {
  campaignActivityBody,
  campaignActivityView,
  campaignBody,
  campaignListQuery,
  campaignStartBody,
  campaignView,
  updateCampaignActivityBody,
  updateCampaignBody,
} from '../../../shared/contracts/campaigns';
import type { Actor } from '../../../shared/domain/access';
import type { AppContext } from '../../app-context';
import type { Db } from '../../db/database';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { presentActivity, presentCampaign } from './presenter';
import * as repo from './repository';
import * as campaigns from './service';

async function viewOf(db: Db, actor: Actor, row: repo.CampaignRow) {
  const parent = row.parent_campaign_id ? await repo.findCampaign(db, row.parent_campaign_id) : undefined;
  return presentCampaign(row, actor, parent);
}

export const campaignRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['campaigns'];

  app.get(
    '/campaigns',
    { schema: { tags, summary: '年度活动列表 Campaigns (own subtree and the levels above)', querystring: campaignListQuery, response: responses({ 200: z.array(campaignView) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const rows = await campaigns.listCampaigns(db, actor, request.query);
      return Promise.all(rows.map((row) => viewOf(db, actor, row)));
    },
  );

  app.post(
    '/campaigns/template',
    {
      schema: {
        tags,
        summary: '新建年度活动的预填内容（复制往年、继承上级或默认）Prefilled campaign',
        body: campaignStartBody,
        response: responses({ 200: campaignBody }),
      },
    },
    async (request) => campaigns.campaignTemplate(db, requireSession(request).actor, request.body),
  );

  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        summary: '新建年度活动 Create a campaign',
        body: campaignBody.extend({ copyActivitiesFromId: z.number().int().positive().optional() }),
        response: responses({ 201: campaignView }),
      },
    },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const { copyActivitiesFromId, ...input } = request.body;
      const row = await campaigns.createCampaign(db, { actor, input, copyActivitiesFromId, client: clientOf(request) });
      return reply.status(201).send(await viewOf(db, actor, row));
    },
  );

  app.get(
    '/campaigns/:id',
    { schema: { tags, summary: '年度活动 Campaign', params: idParams, response: responses({ 200: campaignView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return viewOf(db, actor, await campaigns.loadReadableCampaign(db, actor, request.params.id));
    },
  );

  app.put(
    '/campaigns/:id',
    { schema: { tags, summary: '修改年度活动 Update a campaign', params: idParams, body: updateCampaignBody, response: responses({ 200: campaignView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const row = await campaigns.updateCampaign(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return viewOf(db, actor, row);
    },
  );

  app.get(
    '/campaigns/:id/activities',
    { schema: { tags, summary: '方案中的主要活动 The plan’s activities', params: idParams, response: responses({ 200: z.array(campaignActivityView) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { campaign, activities, departments } = await campaigns.listCampaignActivities(db, actor, request.params.id);
      return activities.map((a) => presentActivity(a, campaign, departments, actor));
    },
  );

  app.post(
    '/campaigns/:id/activities',
    { schema: { tags, summary: '新增主要活动 Add an activity', params: idParams, body: campaignActivityBody, response: responses({ 201: z.object({ id: z.number().int() }) }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const id = await campaigns.addCampaignActivity(db, { actor, campaignId: request.params.id, input: request.body, client: clientOf(request) });
      return reply.status(201).send({ id });
    },
  );

  app.patch(
    '/campaign-activities/:id',
    {
      schema: {
        tags,
        summary: '修改主要活动或其进度（责任部门可改进度）Update an activity or its status',
        params: idParams,
        body: updateCampaignActivityBody,
        response: responses({ 200: z.object({ ok: z.literal(true) }) }),
      },
    },
    async (request) => {
      const { actor } = requireSession(request);
      await campaigns.updateCampaignActivity(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) });
      return { ok: true as const };
    },
  );

  app.get(
    '/campaign-activities/assigned',
    { schema: { tags, summary: '本部门承担的活动 Activities assigned to my departments', response: responses({ 200: z.array(campaignActivityView) }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { activities, departments, campaigns: byId } = await campaigns.listAssignedActivities(db, actor);
      return activities.map((a) => presentActivity(a, byId.get(a.campaign_id)!, departments, actor));
    },
  );
};
