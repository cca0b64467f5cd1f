import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import type { CallerKind } from './auth.ts';
import { parseBody } from './problem.ts';

/** Who may call a route (see {@link CallerKind}). */
export type RouteAuth = 'none' | 'admin' | CallerKind;

/** One documented route: what it takes and answers. The OpenAPI document is built from these. */
export interface RouteSpec<B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/v1/endpoints/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  body?: B;
  query?: z.ZodObject;
  /** Path parameters' schemas, where the handler checks more than "a string" (a bad one answers 422). */
  params?: z.ZodObject;
  /**
   * Status → description and optional body schema. Error statuses without a schema are problem documents. The
   * errors every route of its kind can answer are added by {@link openApiDocument}: 401 (authenticated routes), 404
   * (path parameters), 400/413/415/422 (a body), 422 (query or checked path parameters).
   */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

type Handler<B> = (req: Request, res: Response, body: B) => Promise<void> | void;

/**
 * Registers express handlers together with their specs: the body is parsed with the same zod schema the
 * OpenAPI document shows, so the document cannot drift from what the handlers accept.
 */
export class ApiRoutes {
  readonly specs: RouteSpec[] = [];
  readonly #router: Router;
  readonly #guard: (auth: RouteAuth) => RequestHandler[];

  /** `guard` gives the handlers authenticating a kind of route (they run before the body is parsed). */
  constructor(router: Router, guard: (auth: Exclude<RouteAuth, 'none'>) => RequestHandler) {
    this.#router = router;
    const made = new Map<RouteAuth, RequestHandler[]>([['none', []]]);
    this.#guard = (auth) => {
      if (!made.has(auth)) made.set(auth, [guard(auth as Exclude<RouteAuth, 'none'>)]);
      return made.get(auth)!;
    };
  }

  add<B extends z.ZodType | undefined>(
    spec: RouteSpec<B>,
    handler: Handler<B extends z.ZodType ? z.output<B> : undefined>,
  ): void {
    this.specs.push(spec);
    this.#router[spec.method](spec.path, ...this.#guard(spec.auth), async (req: Request, res: Response) => {
      // No resource has an id with U+0000 in it (PostgreSQL could not even look one up).
      if (Object.values(req.params).some((v) => typeof v === 'string' && v.includes('\u0000'))) throw notFound('resource');
      const body = (spec.body ? parseBody(spec.body, req.body) : undefined) as B extends z.ZodType ? z.output<B> : undefined;
      await handler(req, res, body);
    });
  }
}

const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  });

/** The errors a route answers because of its kind, whatever its handler does. */
function standardErrors(spec: RouteSpec): Record<number, string> {
  const errors: Record<number, string> = {};
  if (spec.auth !== 'none') errors[401] = 'Missing or invalid bearer token';
  if (spec.auth === 'app' || spec.auth === 'app-tenant') errors[403] = 'A read-only portal session on a changing route, or a portal session on a route for API keys';
  if (spec.path.includes(':')) errors[404] = 'No such resource (or another tenant\'s)';
  if (spec.body) {
    errors[400] = 'The body is not valid JSON';
    errors[413] = 'The body is larger than MAX_PAYLOAD_BYTES';
    errors[415] = 'The body is not application/json';
  }
  if (spec.body || spec.query || spec.params) errors[422] = 'Invalid request: `errors` names every field and what is wrong with it';
  return errors;
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });
const problemSchema = jsonSchema(problem);

/** Which bearer tokens a kind of route accepts, as OpenAPI security requirements (alternatives). */
function securityOf(auth: RouteAuth): Array<Record<string, string[]>> {
  switch (auth) {
    case 'none': return [];
    case 'admin': return [{ adminToken: [] }];
    case 'tenant': case 'default-app': case 'app-tenant': return [{ apiKey: [] }];
    case 'app': case 'tenant-or-portal': return [{ apiKey: [] }, { portalToken: [] }];
    case 'portal': return [{ portalToken: [] }];
  }
}

/** Builds the OpenAPI 3.1 document of the given routes. */
export function openApiDocument(specs: readonly RouteSpec[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...spec.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: spec.params?.shape[m[1]!] ? jsonSchema(spec.params.shape[m[1]!] as z.ZodType) : { type: 'string' },
    }));
    const query = spec.query
      ? Object.entries(spec.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType),
        }))
      : [];
    // Every status a route answers is listed (no `default`): an answer the document does not declare is a defect
    // that a conformance check can see.
    const responses: Record<string, unknown> = {};
    const described: Record<string, { description: string; schema?: z.ZodType }> = {
      ...Object.fromEntries(Object.entries(standardErrors(spec)).map(([k, d]) => [k, { description: d }])),
      ...spec.responses,
    };
    for (const [status, r] of Object.entries(described).sort(([a], [b]) => Number(a) - Number(b))) {
      if (r.schema) responses[status] = { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema) } } };
      else if (Number(status) >= 400) responses[status] = { description: r.description, content: { 'application/problem+json': { schema: problemSchema } } };
      else responses[status] = { description: r.description };
    }
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
      security: securityOf(spec.auth),
      ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
      // A body whose every field is optional may be left out (the handler reads a missing body as {}).
      ...(spec.body ? { requestBody: { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(spec.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hookline API', version: info.version, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN: creates tenants and their keys' },
        apiKey: { type: 'http', scheme: 'bearer', description: "A tenant's API key (hk_…)" },
        portalToken: { type: 'http', scheme: 'bearer', description: "A portal session's token (hlp_…): one application's routes only" },
      },
    },
    paths,
  };
}
