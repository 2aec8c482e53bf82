import { readFile } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';

const readAsset = promisify(readFile);

/**
 * Swagger UI's assets, as @fastify/swagger-ui ships them; read on first request, not at start. Not swagger-ui-dist,
 * which has the same files: since 5.x it depends on @scarf/scarf, whose install script reports every install over the
 * network unless opted out (swagger-api/swagger-ui#10194). @fastify/swagger-ui copies the files when it is published
 * and installs with no such script.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>klarna-mock API reference</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
<link rel="stylesheet" href="/docs/static/index.css">
<link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  docExpansion: 'list',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  // Swagger UI would otherwise send the document's URL to its public validator whenever the page is not opened on
  // localhost: the page asks for nothing outside the simulator.
  validatorUrl: null,
});
</script>
</body>
</html>
`;

/**
 * The interactive reference at /docs: Swagger UI reading /openapi.json. Served by hand rather than by the
 * @fastify/swagger-ui plugin, whose registration cost ~40 ms of every start for a page few runs open.
 */
export function docsRoutes(app: FastifyInstance) {
  // Found and read on the first request for an asset, not at start (node:fs/promises too: its module costs a start
  // more than these few reads do).
  let staticDir: string | undefined;
  const cache = new Map<string, Buffer>();

  app.get('/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get<{ Params: { file: string } }>('/docs/static/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params;
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) return reply.callNotFound();
    let content = cache.get(file);
    if (content === undefined) {
      staticDir ??= join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
      content = await readAsset(join(staticDir, file));
      cache.set(file, content);
    }
    return reply.type(type).header('Cache-Control', 'public, max-age=3600').send(content);
  });
}
