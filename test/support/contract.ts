/**
 * Checks real responses against the served OpenAPI document (JSON Schema 2020-12 via ajv), so a handler that
 * answers with a status or a shape the contract does not declare fails the test that exercised it.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import request from 'supertest';
import { createTestApi, type TestApi } from './api';

export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, OperationDoc>>;
  components?: Record<string, unknown>;
}

export interface OperationDoc {
  operationId: string;
  security?: unknown[];
  'x-roles'?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. /api/v1/cases/{id} */
  path: string;
  doc: OperationDoc;
}

export async function fetchSpec(app: Express): Promise<OpenApiDoc> {
  const r = await request(app).get('/api/v1/openapi.json');
  if (r.status !== 200) throw new Error(`openapi.json answered ${r.status}`);
  return r.body as OpenApiDoc;
}

export function operationsOf(spec: OpenApiDoc): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, doc]) => ({ method, path, doc })),
  );
}

const pointer = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(readonly spec: OpenApiDoc) {
    addFormats(this.ajv);
    this.ajv.addSchema(spec as object, 'spec');
  }

  operation(method: string, path: string): OperationDoc {
    const op = this.spec.paths[path]?.[method];
    if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
    return op;
  }

  /** Returns a list of problems (empty when the response conforms). */
  check(
    method: string,
    path: string,
    res: { status: number; headers: Record<string, string>; body: unknown; text?: string },
  ): string[] {
    const op = this.operation(method, path);
    const declared = op.responses[String(res.status)];
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    if (!declared)
      return [`${where}: status not declared (declared: ${Object.keys(op.responses).join(', ')})`];
    const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
    if (!declared.content) return [];
    if (!declared.content[type]) {
      return [`${where}: content type ${type || '(none)'} not declared (${Object.keys(declared.content)})`];
    }
    if (!type.includes('json')) return [];
    const ref = `spec#/paths/${pointer(path)}/${method}/responses/${res.status}/content/${pointer(type)}/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    if (validate(res.body)) return [];
    return [`${where}: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`];
  }

  /** Whether a request body would be accepted by the documented request schema. */
  acceptsBody(method: string, path: string, body: unknown): boolean {
    const op = this.operation(method, path);
    if (!op.requestBody) return true;
    const ref = `spec#/paths/${pointer(path)}/${method}/requestBody/content/${pointer('application/json')}/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    return validate(body) as boolean;
  }
}

/** The real app over a private seeded database, with a checker of its answers against its own OpenAPI document. */
export async function apiWithContract(): Promise<[TestApi, ContractChecker]> {
  const api = await createTestApi();
  return [api, new ContractChecker(await fetchSpec(api.app))];
}
