import path from 'node:path';
import express from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { ApiBuilder } from '../endpoint';

const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Strict CSP allows no inline script, so the docs page boots Swagger UI from this file. */
const DOCS_BOOT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
  });
});
`;

const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>API 文档 · 政务信息资源共享时限监督</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/api/v1/docs/assets/favicon-32x32.png">
</head>
<body>
<noscript>本页需要 JavaScript; 机器可读的接口定义见 <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>。</noscript>
<div id="docs"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/boot.js"></script>
</body>
</html>
`;

/** The contract itself: OpenAPI 3.1 document and a docs page over it; both need no key. */
export function registerContractRoutes(api: ApiBuilder, deps: AppDeps): void {
  let cached: unknown;
  api.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: '本 API 的 OpenAPI 3.1 接口定义 (由校验请求的同一组 schema 生成)',
    tag: 'contract',
    roles: 'public',
    responses: {
      200: { description: 'OpenAPI 3.1 文档', schema: z.object({ openapi: z.string() }).passthrough() },
    },
    handle({ res }) {
      cached ??= api.document(deps.config.publicBaseUrl);
      res.json(cached);
    },
  });
  api.add({
    method: 'get',
    path: '/docs',
    operationId: 'getDocs',
    summary: '接口文档页面 (Swagger UI)',
    tag: 'contract',
    roles: 'public',
    responses: { 200: { description: 'HTML 页面', schema: z.string(), contentType: 'text/html' } },
    handle({ res }) {
      res.type('html').send(DOCS_PAGE);
    },
  });
  api.publicRouter.get('/docs/boot.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_BOOT);
  });
  api.publicRouter.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
}
