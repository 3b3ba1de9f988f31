import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams } from '../../../shared/contracts/common';
import {
  bulkCreateResult,
  bulkCreateUsersBody,
  createdUser,
  createUserBody,
  credentialsView,
  resetPasswordBody,
  updateUserBody,
  userList,
  userListQuery,
  userView,
} from '../../../shared/contracts/users';
import type { AppContext } from '../../app-context';
import { responses } from '../../http';
import { clientOf, requireSession } from '../../plugins/auth';
import { presentUser } from './presenter';
import * as users from './service';

export const userRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['users'];
  const publicUrl = ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;

  app.get(
    '/users',
    { schema: { tags, summary: '账户列表 Accounts', querystring: userListQuery, response: responses({ 200: userList }) } },
    async (request) => {
      const { actor } = requireSession(request);
      const { rows, total } = await users.listUsers(db, actor, request.query);
      return { items: rows.map((u) => presentUser(u, actor)), total };
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags, summary: '账户详情 Account', params: idParams, response: responses({ 200: userView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return presentUser(await users.getUser(db, actor, request.params.id), actor);
    },
  );

  app.post(
    '/users',
    { schema: { tags, summary: '新建账户 Create an account', body: createUserBody, response: responses({ 201: createdUser }) } },
    async (request, reply) => {
      const { actor } = requireSession(request);
      const { user, credentials } = await users.createUser(db, { actor, input: request.body, publicUrl, client: clientOf(request) });
      return reply.status(201).send({ user: presentUser(user, actor), credentials });
    },
  );

  app.post(
    '/users/bulk',
    {
      schema: {
        tags,
        summary: '为下级单位批量开通账户 Accounts for many units',
        body: bulkCreateUsersBody,
        response: responses({ 201: bulkCreateResult }),
      },
    },
    async (request, reply) => {
      const { actor } = requireSession(request);
      return reply.status(201).send(await users.bulkCreateUsers(db, { actor, input: request.body, publicUrl, client: clientOf(request) }));
    },
  );

  app.patch(
    '/users/:id',
    { schema: { tags, summary: '修改账户、角色、停用 Edit, roles, disable', params: idParams, body: updateUserBody, response: responses({ 200: userView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return presentUser(await users.updateUser(db, { actor, id: request.params.id, input: request.body, client: clientOf(request) }), actor);
    },
  );

  app.post(
    '/users/:id/reset-password',
    { schema: { tags, summary: '重置密码 Reset password', params: idParams, body: resetPasswordBody, response: responses({ 200: credentialsView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return users.resetUserPassword(db, { actor, id: request.params.id, mode: request.body.mode, publicUrl, client: clientOf(request) });
    },
  );

  app.post(
    '/users/:id/unlock',
    { schema: { tags, summary: '解除锁定 Unlock (安全保密管理员)', params: idParams, response: responses({ 200: userView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return presentUser(await users.unlockUser(db, { actor, id: request.params.id, client: clientOf(request) }), actor);
    },
  );

  app.post(
    '/users/:id/reset-totp',
    { schema: { tags, summary: '重置动态验证码 Reset the authenticator (安全保密管理员)', params: idParams, response: responses({ 200: userView }) } },
    async (request) => {
      const { actor } = requireSession(request);
      return presentUser(await users.resetUserTotp(db, { actor, id: request.params.id, client: clientOf(request) }), actor);
    },
  );
};
