import { ID_PREFIXES, TEXT_PATTERN } from "@gatherkit/core";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { call, type TestApp } from "./harness.js";

/**
 * Helpers for the harnesses that walk the served OpenAPI document (contract fuzz, tenant
 * isolation): every operation, its parameters and bodies, response checks against the
 * documented statuses and schemas, and fast-check arbitraries built from JSON Schema.
 * Nothing here names a route: a new domain is covered as soon as it is in the document.
 */

/** A JSON Schema (OpenAPI 3.1 = JSON Schema 2020-12) as found in the document. */
export type JsonSchema = { [keyword: string]: unknown };

interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

interface MediaObject {
  schema?: JsonSchema;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, MediaObject>;
}

export interface OperationObject {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, MediaObject> };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Operation {
  /** `GET /v1/secret-keys/{id}` */
  name: string;
  method: HttpMethod;
  /** The path template, e.g. `/v1/secret-keys/{id}`. */
  path: string;
  /** Where the operation sits in the document, for JSON pointers. */
  pointer: string;
  op: OperationObject;
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  /** The JSON request body, if the operation takes one. */
  body?: { required: boolean; schema: JsonSchema; pointer: string };
}

/** The document the app serves, fetched through the app itself. */
export async function loadSpec(t: TestApp): Promise<OpenApiDocument> {
  const r = await call(t, "GET", "/v1/openapi.json");
  if (r.status !== 200) throw new Error(`GET /v1/openapi.json answered ${r.status}`);
  return r.body as OpenApiDocument;
}

const escapePointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Every operation in the document (`paths` × methods), in document order. */
export function operations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const pointer = `#/paths/${escapePointer(path)}/${method}`;
      const params = op.parameters ?? [];
      const json = op.requestBody?.content?.["application/json"];
      out.push({
        name: `${method.toUpperCase()} ${path}`,
        method,
        path,
        pointer,
        op,
        pathParams: params.filter((p) => p.in === "path"),
        queryParams: params.filter((p) => p.in === "query"),
        body: json?.schema
          ? {
              required: op.requestBody?.required === true,
              schema: json.schema,
              pointer: `${pointer}/requestBody/content/application~1json/schema`,
            }
          : undefined,
      });
    }
  }
  return out;
}

/** Resolves a local `$ref` (`#/components/schemas/X`) until the schema is not a reference. */
export function deref(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 32 && typeof s.$ref === "string"; i++) {
    const ref = s.$ref as string;
    if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
    let node: unknown = doc;
    for (const part of ref.slice(2).split("/")) {
      node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (!node || typeof node !== "object") throw new Error(`unresolvable $ref ${ref}`);
    s = node as JsonSchema;
  }
  return s;
}

/** `pk` for a parameter whose schema is `^pk_[0-9a-z]{8,40}$`: the kind of id it takes. */
export function idPrefixOf(doc: OpenApiDocument, schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  const pattern = deref(doc, schema).pattern;
  if (typeof pattern !== "string") return undefined;
  return /^\^([a-z]+)_/.exec(pattern)?.[1];
}

/** The path with each `{name}` replaced by `values[name]` (already encoded by the caller). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return v;
  });
}

// ---- response checks ------------------------------------------------------

export interface SentResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text if it is not JSON, or null when empty. */
  body: unknown;
}

/**
 * Checks responses against the document: the status is one the operation documents, the
 * content type is one documented for that status, the body validates against its schema, and
 * problems are problem+json with the request id. Returns what is wrong (empty when all is well).
 */
export function createResponseChecker(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc as unknown as JsonSchema, "spec");
  const cache = new Map<string, ValidateFunction>();
  const validator = (pointer: string) => {
    let v = cache.get(pointer);
    if (!v) {
      v = ajv.compile({ $ref: `spec${pointer}` });
      cache.set(pointer, v);
    }
    return v;
  };

  return function check(op: Operation, res: SentResponse): string[] {
    const errors: string[] = [];
    const status = String(res.status);
    if (res.status >= 500) errors.push(`answered ${res.status} (a server error)`);
    if (!res.headers.get("x-request-id")) errors.push("no x-request-id header");
    const documented = op.op.responses[status];
    if (!documented) {
      errors.push(`answered ${status}, which ${op.name} does not document (documented: ${Object.keys(op.op.responses).join(", ")})`);
    }
    const contentType = (res.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (res.status >= 400) {
      if (contentType !== "application/problem+json")
        errors.push(`a ${status} with content-type "${contentType}" instead of application/problem+json`);
      const problem = res.body as { status?: unknown; requestId?: unknown } | null;
      if (!problem || typeof problem !== "object") errors.push(`a ${status} whose body is not a JSON object`);
      else {
        if (problem.status !== res.status) errors.push(`problem.status ${String(problem.status)} differs from the HTTP status ${status}`);
        // An Idempotency-Key replay answers the stored response, which names the original request.
        const replayed = res.headers.get("idempotent-replayed") === "true";
        if (!replayed && problem.requestId !== res.headers.get("x-request-id"))
          errors.push("problem.requestId differs from the x-request-id header");
      }
      if (res.status === 429 && !res.headers.get("retry-after")) errors.push("a 429 without Retry-After");
    }
    if (!documented) return errors;
    const content = documented.content;
    if (!content || Object.keys(content).length === 0) {
      if (res.body !== null && res.body !== "") errors.push(`a ${status} documented without a body answered a body: ${preview(res.body)}`);
      return errors;
    }
    const media = content[contentType];
    if (!media) {
      errors.push(`a ${status} with content-type "${contentType}", documented: ${Object.keys(content).join(", ")}`);
      return errors;
    }
    if (media.schema) {
      const pointer = `${op.pointer}/responses/${status}/content/${escapePointer(contentType)}/schema`;
      const validate = validator(pointer);
      if (!validate(res.body)) {
        const why = (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`).join("; ");
        errors.push(`the ${status} body does not match its documented schema: ${why}; body: ${preview(res.body)}`);
      }
    }
    return errors;
  };
}

/** A short, printable view of any value (long strings are cut). */
export function preview(value: unknown, max = 400): string {
  let s: string;
  try {
    s =
      typeof value === "string"
        ? JSON.stringify(value)
        : (JSON.stringify(value, (_k, v) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v)) ??
          String(value));
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

// ---- arbitraries from JSON Schema ------------------------------------------

/**
 * Values that exist in the test database, offered for string fields whose schema constrains
 * them (an id pattern, an email format): `mem_…` ids of real members, emails of real users.
 */
export type Hints = readonly string[];

function stringFits(schema: JsonSchema, value: string): boolean {
  if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) return false;
  if (typeof schema.minLength === "number" && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === "number" && value.length > schema.maxLength) return false;
  if (schema.format === "email" && !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  return true;
}

const safeText = (min: number, max: number) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789 -_.") }),
    },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max }) },
  );

function validString(schema: JsonSchema, hints: Hints): fc.Arbitrary<string> {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = Math.min(typeof schema.maxLength === "number" ? schema.maxLength : 60, min + 60);
  const options: fc.WeightedArbitrary<string>[] = [];
  // Every text field carries TEXT_PATTERN (no control characters): it is still free text, not an id or code.
  const pattern = schema.pattern === TEXT_PATTERN.source ? undefined : schema.pattern;
  const constrained = typeof pattern === "string" || typeof schema.format === "string";
  const fitting = constrained ? hints.filter((h) => stringFits(schema, h)) : [];
  if (fitting.length > 0) options.push({ weight: 4, arbitrary: fc.constantFrom(...fitting) });
  if (typeof schema.example === "string" && stringFits(schema, schema.example)) {
    options.push({ weight: 2, arbitrary: fc.constant(schema.example) });
  }
  if (typeof pattern === "string") {
    options.push({ weight: 3, arbitrary: fc.stringMatching(new RegExp(pattern)) });
  } else if (schema.format === "email") {
    options.push({
      weight: 3,
      arbitrary: fc.stringMatching(/^[a-z0-9]{1,16}$/).map((local) => `${local}@example.com`),
    });
  } else if (schema.format === "date-time") {
    options.push({
      weight: 3,
      arbitrary: fc
        .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
    });
  } else if (schema.format === "uri" || schema.format === "url") {
    options.push({ weight: 3, arbitrary: fc.webUrl() });
  } else {
    options.push({ weight: 3, arbitrary: safeText(min, max) });
  }
  return fc.oneof(...options);
}

/** Values that validate against `schema` (most of the time: rules outside JSON Schema, like refinements, can still refuse them). */
export function validValue(doc: OpenApiDocument, input: JsonSchema, hints: Hints = [], depth = 0): fc.Arbitrary<unknown> {
  const schema = deref(doc, input);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ["anyOf", "oneOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) return fc.oneof(...list.map((s) => validValue(doc, s as JsonSchema, hints, depth)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged: JsonSchema = {};
    for (const part of schema.allOf as JsonSchema[]) {
      const p = deref(doc, part);
      Object.assign(merged, p, {
        properties: { ...(merged.properties as object), ...(p.properties as object) },
        required: [...((merged.required as string[]) ?? []), ...((p.required as string[]) ?? [])],
      });
    }
    return validValue(doc, merged, hints, depth);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue(doc, { ...schema, type }, hints, depth)));
  const type = types[0] ?? (schema.properties ? "object" : schema.items ? "array" : undefined);
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min =
        typeof schema.minimum === "number"
          ? schema.minimum
          : typeof schema.exclusiveMinimum === "number"
            ? schema.exclusiveMinimum + 1
            : -1_000_000;
      const max =
        typeof schema.maximum === "number"
          ? schema.maximum
          : typeof schema.exclusiveMaximum === "number"
            ? schema.exclusiveMaximum - 1
            : 1_000_000;
      const ints = fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
      const edges = fc.constantFrom(Math.ceil(min), Math.floor(max));
      if (type === "integer") return fc.oneof(ints, edges);
      return fc.oneof(ints, edges, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    }
    case "string":
      return validString(schema, hints);
    case "array": {
      const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
      const maxItems = Math.min(typeof schema.maxItems === "number" ? schema.maxItems : 4, minItems + 4);
      const items = (schema.items as JsonSchema | undefined) ?? {};
      return fc.array(validValue(doc, items, hints, depth + 1), { minLength: minItems, maxLength: maxItems });
    }
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = ((schema.required ?? []) as string[]).filter((k) => k in props);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = validValue(doc, s, hints, depth + 1);
      const optional = Object.keys(props).filter((k) => !required.includes(k));
      const any = fc.record(model, { requiredKeys: required });
      if (optional.length === 0) return any;
      // Also the smallest objects: the required fields and one optional one. Rules between fields
      // that JSON Schema cannot state (date order, "at least one field") pass these more often.
      const pick = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, model[k] as fc.Arbitrary<unknown>]));
      const minimal = fc.constantFrom(...optional).chain((k) => fc.record(pick([...required, k])));
      return fc.oneof(any, minimal);
    }
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

/** Any JSON value of another type than `schema` allows (for "wrong type" mutations). */
export function wrongTypeValue(doc: OpenApiDocument, input: JsonSchema): fc.Arbitrary<unknown> {
  const schema = deref(doc, input);
  const allowed = new Set(Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : []);
  const all: [string, fc.Arbitrary<unknown>][] = [
    ["string", fc.oneof(fc.string(), fc.constantFrom("", "true", "1", "null", "{}"))],
    ["integer", fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53)))],
    ["number", fc.constantFrom(0.5, -1.5, 1e308, -1e308, 5e-324)],
    ["boolean", fc.boolean()],
    ["null", fc.constant(null)],
    ["array", fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })],
    ["object", fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })],
  ];
  const picks = all.filter(([type]) => !allowed.has(type) && !(type === "integer" && allowed.has("number")));
  return fc.oneof(...picks.map(([, a]) => a));
}

// ---- prefixed ids ------------------------------------------------------------

/** Every id prefix the document's patterns mention (`^pk_…`), for "wrong prefix" inputs. */
export function idPrefixesIn(doc: OpenApiDocument): string[] {
  const found = new Set<string>();
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/"pattern":"\^([a-z]+)_/g)) if (m[1]) found.add(m[1]);
  return [...found].sort();
}

/** The prefixes ids are made with; a word such as `partially_refunded` looks like an id but has none of them. */
const ID_PREFIX_SET = new Set<string>(Object.values(ID_PREFIXES));

/** Strings that look like prefixed ids (`sk_3k9x…`) anywhere inside `value`. */
export function idsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    const m = /^([a-z]+)_[0-9a-z]{8,40}$/.exec(value);
    if (m?.[1] && ID_PREFIX_SET.has(m[1])) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) idsIn(v, out);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) idsIn(v, out);
  }
  return out;
}

// ---- requests known to work ------------------------------------------------------

/** A request that succeeded (2xx): its path and query as sent, and its JSON body if it had one. */
export interface KnownRequest {
  method: string;
  /** The path as sent (already encoded), e.g. `/v1/plans/plan_…/proposals/prop_…/reject`. */
  path: string;
  /** The query string as sent, with its `?`, or "". */
  query: string;
  body?: unknown;
  /** Who sent it: its `authorization`, `origin` and `cookie` headers (those it had). */
  headers: Record<string, string>;
}

const CALLER_HEADERS = ["authorization", "origin", "cookie"];

/** Path parameter values taken from a request path, or undefined when it does not match `template`. */
function matchTemplate(template: string, path: string, prefixOnly: boolean): Record<string, string> | undefined {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const m = new RegExp(`^${source}${prefixOnly ? "(?:/|$)" : "$"}`).exec(path);
  if (!m) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ""]));
}

/**
 * A TestApp whose `fetch` remembers the requests that succeeded (2xx). Build the fixtures through
 * it, and:
 * - `bodiesFor(op)` gives JSON bodies known to pass the operation's validation, including rules
 *   JSON Schema cannot express (refinements such as "shares add up to the amount");
 * - `requestsFor(op)` gives the successful requests to that very operation (path, query, body);
 * - `paramsFor(op)` gives path parameter values that belong together (a plan and one of its
 *   proposals), from any successful request under the operation's path up to its last parameter
 *   (`…/proposals/{proposalId}/reopen` takes them from `…/proposals/prop_x/reject`, `…/vote`, …),
 *   with the callers who used them (a participant of that plan).
 */
export function recordingApp(t: TestApp): {
  app: TestApp;
  bodiesFor(op: Operation): unknown[];
  requestsFor(op: Operation): (KnownRequest & { params: Record<string, string> })[];
  paramsFor(op: Operation): { params: Record<string, string>; callers: Record<string, string>[] }[];
} {
  const seen: KnownRequest[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await t.fetch(input, init);
    if (res.ok) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toLowerCase();
      const sent = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      const headers = Object.fromEntries(CALLER_HEADERS.flatMap((h) => (sent.has(h) ? [[h, sent.get(h) ?? ""]] : [])));
      const known: KnownRequest = { method, path: url.pathname, query: url.search, headers };
      if (typeof init?.body === "string") {
        try {
          known.body = JSON.parse(init.body);
        } catch {
          // not JSON: nothing to reuse
        }
      }
      seen.push(known);
    }
    return res;
  }) as typeof globalThis.fetch;
  return {
    app: { ...t, fetch },
    bodiesFor(op) {
      return seen.filter((s) => s.method === op.method && s.body !== undefined && matchTemplate(op.path, s.path, false)).map((s) => s.body);
    },
    requestsFor(op) {
      return seen.flatMap((s) => {
        const params = s.method === op.method ? matchTemplate(op.path, s.path, false) : undefined;
        return params ? [{ ...s, params }] : [];
      });
    },
    paramsFor(op) {
      if (op.pathParams.length === 0) return [];
      const lastParam = op.path.lastIndexOf("}");
      const prefix = op.path.slice(0, lastParam + 1);
      const unique = new Map<string, { params: Record<string, string>; callers: Map<string, Record<string, string>> }>();
      for (const s of seen) {
        const params = matchTemplate(prefix, s.path, true);
        if (!params) continue;
        const key = JSON.stringify(params);
        const entry = unique.get(key) ?? { params, callers: new Map() };
        entry.callers.set(JSON.stringify(s.headers), s.headers);
        unique.set(key, entry);
      }
      return [...unique.values()].map((e) => ({ params: e.params, callers: [...e.callers.values()] }));
    },
  };
}
