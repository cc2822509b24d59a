import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Api } from './api';

export function openApiDocument(api: Api): object {
  const generator = new OpenApiGeneratorV31(api.registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'bangfu 帮扶 API',
      version: '1',
      description:
        '就业帮扶服务接口：实名登记、零工市场、推送与聊天机器人。Employment assistance API: registry, odd-job market, pushes and chat bot. Errors always have the shape `{ "error": { "code", "message", "details" } }`; messages follow `Accept-Language` (zh-CN by default, en).',
      // The code is not published under an open licence (package.json: UNLICENSED); each deployment's operator answers for it.
      license: { name: 'Proprietary, all rights reserved / 版权所有，未经许可不得使用' },
      contact: { name: '部署单位的就业服务中心 / the employment service centre operating this deployment' },
    },
    servers: [{ url: '/' }],
  });
}
