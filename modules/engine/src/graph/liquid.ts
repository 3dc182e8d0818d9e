import { Context, Drop, Liquid, toValueSync, type Emitter, type Template } from 'liquidjs';

/** Bounds on one template: its source, its render time, its allocations and its output. */
export interface TemplateLimits {
  /** Characters of template source (liquidjs `parseLimit`). */
  maxSourceChars: number;
  /** Wall time of one render (liquidjs `renderLimit`); checked between tags, so a render never runs far past it. */
  renderTimeMs: number;
  /** Characters of arrays and strings a render may create (liquidjs `memoryLimit`): stops `(1..100000000)`. */
  memoryUnits: number;
  /** Characters of output. */
  maxOutputChars: number;
}

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  maxSourceChars: 1_000_000,
  renderTimeMs: 1_000,
  memoryUnits: 10_000_000,
  maxOutputChars: 1_048_576,
};

/** Objects and arrays print as JSON, as references inside text do; plain Liquid would print `[object Object]`. */
function printValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value instanceof Drop) return String(value);
  return JSON.stringify(value);
}

/**
 * The one Liquid configuration of the engine: no file system (no includes, and an empty in-memory
 * map behind liquidjs' loader besides), own properties only, unknown filters refused at parse time.
 */
function createLiquid(limits: TemplateLimits): Liquid {
  const liquid = new Liquid({
    templates: {},
    relativeReference: false,
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    outputEscape: printValue,
    parseLimit: limits.maxSourceChars,
    renderLimit: limits.renderTimeMs,
    memoryLimit: limits.memoryUnits,
  });
  // Templates are self-contained: tags that load other templates are refused when a graph is saved.
  for (const tag of ['include', 'render', 'layout']) {
    liquid.registerTag(tag, {
      parse() {
        throw new Error(`{% ${tag} %} is not available: a template cannot load other templates or files`);
      },
      render() {},
    });
  }
  return liquid;
}

class BoundedEmitter implements Emitter {
  buffer = '';
  constructor(private readonly maxChars: number) {}

  write(html: unknown): void {
    const text = typeof html === 'string' ? html : html === null || html === undefined ? '' : String(html);
    if (this.buffer.length + text.length > this.maxChars) {
      throw new TemplateError(`template output exceeds ${this.maxChars} characters`);
    }
    this.buffer += text;
  }
}

/** A template that failed to parse or render, with a message fit for the node's error. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const CACHE_SIZE = 500;
const CACHEABLE_CHARS = 20_000;

function explain(error: unknown, limits: TemplateLimits): TemplateError {
  // liquidjs wraps what a tag throws (our output limit, a stack overflow) as `originalError`.
  let cause: unknown = error;
  for (let i = 0; i < 5 && cause instanceof Error; i++) {
    if (cause instanceof TemplateError) return cause;
    if (cause instanceof RangeError) return new TemplateError(`template failed: a value nests too deeply (${cause.message})`);
    cause = (cause as { originalError?: unknown }).originalError;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('template render limit exceeded')) {
    return new TemplateError(`template took longer than ${limits.renderTimeMs} ms to render`);
  }
  if (message.startsWith('memory alloc limit exceeded')) {
    return new TemplateError(`template exceeded its memory limit (${limits.memoryUnits} units)`);
  }
  if (message.startsWith('parse length limit exceeded')) {
    return new TemplateError(`template is longer than ${limits.maxSourceChars} characters`);
  }
  return new TemplateError(`template failed: ${message}`);
}

/** Parses (with a small cache of recent sources) and renders Liquid templates within limits. */
export class TemplateRenderer {
  private readonly liquid: Liquid;
  private readonly parsed = new Map<string, Template[]>();

  constructor(readonly limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS) {
    this.liquid = createLiquid(limits);
  }

  /** Parses a template; throws a {@link TemplateError} on a syntax error. */
  parse(source: string): Template[] {
    const cached = this.parsed.get(source);
    if (cached !== undefined) return cached;
    let templates: Template[];
    try {
      templates = this.liquid.parse(source);
    } catch (error) {
      throw explain(error, this.limits);
    }
    if (source.length <= CACHEABLE_CHARS) {
      if (this.parsed.size >= CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(source, templates);
    }
    return templates;
  }

  /**
   * Renders synchronously: Liquid here never waits on I/O, and the render-time limit bounds how
   * long it may hold the event loop.
   */
  render(source: string, scope: object): string {
    const templates = this.parse(source);
    const emitter = new BoundedEmitter(this.limits.maxOutputChars);
    try {
      const context = new Context(scope, this.liquid.options, { sync: true }, { liquid: this.liquid });
      toValueSync(this.liquid.renderer.renderTemplates(templates, context, emitter));
    } catch (error) {
      throw explain(error, this.limits);
    }
    return emitter.buffer;
  }

  /**
   * The variables a template reads from its scope, each as its path segments; variables the
   * template binds itself (`for`, `assign`, `capture`, `tablerow`, `increment`) are left out.
   * Throws a {@link TemplateError} when the template does not parse.
   */
  variables(source: string): (string | number)[][] {
    const templates = this.parse(source);
    return this.liquid.globalVariableSegmentsSync(templates) as (string | number)[][];
  }
}

/** The renderer with the default limits, shared by the validator and the template node. */
export const defaultTemplateRenderer = new TemplateRenderer();
