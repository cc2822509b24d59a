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
    },
    servers: [{ url: '/' }],
  });
}
