import { describe, expect, it } from "vitest";
import {
  CALL_MACROS,
  type CompiledTemplate,
  compileTemplate,
  expandMacros,
  formEncode,
  macrosFor,
  renderFields,
  renderText,
  type TemplateEncoding,
  TemplateRenderError,
  type TemplateScope,
} from "../../src/domain/template.js";

const scope: TemplateScope = {
  id: "evt_01",
  event: "call.ended",
  timestamp: "2025-06-10T14:09:03.000Z",
  data: {
    call_id: "call_7Hq2mX9kT4",
    direction: "inbound",
    from_number: "+13125550187",
    to_number: "+18885550123",
    started_at: "2025-06-10T14:02:11Z",
    ended_at: "2025-06-10T14:09:03Z",
    duration: 412,
    answered: true,
    lead_score: "hot",
    customer: { name: "Maria Delgado & Co", phone: "+13125550187", email: "maria@example.com" },
    next_steps: ["Send retainer", "Request crash report"],
    summary: "Rear-ended on I-90",
    score: 0.5,
  },
};

function compiled(source: string | Record<string, unknown>, encoding?: TemplateEncoding): CompiledTemplate {
  const result = compileTemplate(source, encoding);
  if (!result.ok) throw new Error(`did not compile: ${JSON.stringify(result.error)}`);
  return result.template;
}

function fields(source: Record<string, unknown>, s: TemplateScope = scope): Record<string, unknown> {
  const template = compiled(source);
  if (template.kind !== "fields") throw new Error("expected fields");
  return renderFields(template, s);
}

function text(source: string, encoding: TemplateEncoding = "plain", s: TemplateScope = scope): string {
  const template = compiled(source, encoding);
  if (template.kind !== "text") throw new Error("expected text");
  return renderText(template, s);
}

describe("JSON mapping templates", () => {
  it("a value that is exactly one {{ expression }} keeps its JSON type", () => {
    expect(
      fields({
        duration: "{{ data.duration }}",
        answered: "{{ data.answered }}",
        score: "{{ data.score }}",
        customer: "{{ data.customer }}",
        steps: "{{ data.next_steps }}",
        trimmed: "{{- data.duration -}}",
        filtered: "{{ data.duration | plus: 8 }}",
      }),
    ).toEqual({
      duration: 412,
      answered: true,
      score: 0.5,
      customer: scope.data.customer,
      steps: scope.data.next_steps,
      trimmed: 412,
      filtered: 420,
    });
  });

  it("anything else renders to a string, objects inside text as JSON", () => {
    expect(
      fields({
        text: "Call of {{ data.duration }}s",
        padded: " {{ data.duration }}",
        two: "{{ data.duration }}{{ data.answered }}",
        embedded: "who: {{ data.customer }}",
      }),
    ).toEqual({
      text: "Call of 412s",
      padded: " 412",
      two: "412true",
      embedded: `who: ${JSON.stringify(scope.data.customer)}`,
    });
  });

  it("keeps literals and renders nested objects and arrays", () => {
    expect(
      fields({
        source: "switchboard",
        version: 2,
        flag: false,
        nothing: null,
        contact: { name: "{{ data.customer.name }}", phones: ["{{ data.from_number }}", "{to_nr}"] },
        meta: { event: "{{ event }}", id: "{{ id }}", at: "{{ timestamp }}" },
      }),
    ).toEqual({
      source: "switchboard",
      version: 2,
      flag: false,
      nothing: null,
      contact: { name: "Maria Delgado & Co", phones: ["+13125550187", "+18885550123"] },
      meta: { event: "call.ended", id: "evt_01", at: "2025-06-10T14:09:03.000Z" },
    });
  });

  it("a missing variable is null as a whole value and empty inside text", () => {
    expect(
      fields({ whole: "{{ data.nope }}", inside: "x{{ data.nope }}y", deep: "{{ data.a.b.c }}" }),
    ).toEqual({
      whole: null,
      inside: "xy",
      deep: null,
    });
  });

  it("Liquid filters work: date, default, upcase, json, size, join", () => {
    expect(
      fields({
        day: "{{ data.started_at | date: '%Y-%m-%d %H:%M' }}",
        unix: "{{ timestamp | date: '%s' }}",
        fallback: "{{ data.disposition | default: 'none' }}",
        loud: "{{ data.lead_score | upcase }}",
        quoted: "{{ data.summary | json }}",
        count: "{{ data.next_steps | size }}",
        joined: "{{ data.next_steps | join: '; ' }}",
      }),
    ).toEqual({
      day: "2025-06-10 14:02",
      unix: "1749564543",
      fallback: "none",
      loud: "HOT",
      quoted: '"Rear-ended on I-90"',
      count: 2,
      joined: "Send retainer; Request crash report",
    });
  });

  it("supports tags: if, for, assign, capture", () => {
    expect(
      fields({
        hot: "{% if data.lead_score == 'hot' %}yes{% else %}no{% endif %}",
        list: "{% for s in data.next_steps %}{{ forloop.index }}.{{ s }} {% endfor %}",
        assigned: "{% assign m = data.duration | divided_by: 60 | floor %}{{ m }} min",
      }),
    ).toEqual({ hot: "yes", list: "1.Send retainer 2.Request crash report ", assigned: "6 min" });
  });

  it("does not read inherited properties", () => {
    expect(fields({ ctor: "{{ data.constructor }}", proto: "{{ data.__proto__ }}" })).toEqual({
      ctor: null,
      proto: null,
    });
  });
});

describe("macros", () => {
  it("maps the call-tracking names to the catalog's call fields", () => {
    expect(
      fields({
        start: "{start}",
        end: "{end}",
        duration: "{duration}",
        from_nr: "{from_nr}",
        to_nr: "{to_nr}",
        answered: "{answered}",
        call_id: "{call_id}",
        direction: "{direction}",
        name: "{customer_name}",
        phone: "{customer_phone}",
        email: "{customer_email}",
        lead: "{lead_score}",
      }),
    ).toEqual({
      start: "2025-06-10T14:02:11Z",
      end: "2025-06-10T14:09:03Z",
      duration: 412,
      from_nr: "+13125550187",
      to_nr: "+18885550123",
      answered: true,
      call_id: "call_7Hq2mX9kT4",
      direction: "inbound",
      name: "Maria Delgado & Co",
      phone: "+13125550187",
      email: "maria@example.com",
      lead: "hot",
    });
  });

  it("any other {field} means data.field, dots allowed; envelope names too", () => {
    expect(
      fields({ a: "{summary}", b: "{customer.email}", c: "{event} {id}", d: "{data.duration}" }),
    ).toEqual({
      a: "Rear-ended on I-90",
      b: "maria@example.com",
      c: "call.ended evt_01",
      d: 412,
    });
  });

  it("leaves {{ … }}, {% … %} and raw blocks alone", () => {
    expect(expandMacros("a {x} {{ y }} {% if z %}{w}{% endif %} {% raw %}{r}{% endraw %}").text).toBe(
      "a {{ data.x }} {{ y }} {% if z %}{{ data.w }}{% endif %} {% raw %}{r}{% endraw %}",
    );
    expect(expandMacros('{"a": 1, "b": {}}').text).toBe('{"a": 1, "b": {}}');
    expect(text("{% raw %}{from_nr}{% endraw %}")).toBe("{from_nr}");
  });

  it("lists the macros that stand for a type's variables", () => {
    const macros = macrosFor(["id", "event", "data.from_number", "data.duration", "data.customer.name"]);
    expect(macros).toEqual(
      expect.arrayContaining([
        { macro: "{from_nr}", variable: "data.from_number" },
        { macro: "{duration}", variable: "data.duration" },
        { macro: "{customer_name}", variable: "data.customer.name" },
        { macro: "{event_id}", variable: "id" },
      ]),
    );
    expect(macros.some((m) => m.macro === "{to_nr}")).toBe(false);
    expect(CALL_MACROS.from_nr).toBe("data.from_number");
  });
});

describe("string templates", () => {
  it("a form query-string template URL-encodes every value", () => {
    const body = text(
      "start={start}&duration={duration}&from_nr={from_nr}&to_nr={to_nr}&answered={answered}&name={{ data.customer.name }}",
      "form",
    );
    expect(body).toBe(
      "start=2025-06-10T14%3A02%3A11Z&duration=412&from_nr=%2B13125550187&to_nr=%2B18885550123&answered=true&name=Maria+Delgado+%26+Co",
    );
    const parsed = new URLSearchParams(body);
    expect(parsed.get("from_nr")).toBe("+13125550187");
    expect(parsed.get("name")).toBe("Maria Delgado & Co");
    expect(parsed.get("start")).toBe("2025-06-10T14:02:11Z");
  });

  it("| raw opts a value out of the encoding", () => {
    expect(text("q={{ 'a b' | raw }}&r={{ 'a b' }}", "form")).toBe("q=a b&r=a+b");
  });

  it("plain text templates render outputs as they are", () => {
    expect(text('{"caller": "{from_nr}", "seconds": {duration}}')).toBe(
      '{"caller": "+13125550187", "seconds": 412}',
    );
  });

  it("formEncode encodes like a form (space as +, objects as JSON)", () => {
    expect(formEncode("a b&c=d")).toBe("a+b%26c%3Dd");
    expect(formEncode({ x: 1 })).toBe("%7B%22x%22%3A1%7D");
    expect(formEncode(null)).toBe("");
  });
});

describe("compile errors", () => {
  function error(source: string | Record<string, unknown>) {
    const result = compileTemplate(source);
    if (result.ok) throw new Error("expected a syntax error");
    return result.error;
  }

  it("reports the field path, line and column of a syntax error", () => {
    expect(error({ contact: { name: "{{ data.customer.name" } })).toEqual({
      path: ["contact", "name"],
      message: expect.stringContaining("not closed"),
      line: 1,
      column: 1,
    });
    const multi = error({ note: "line one\nline two {% if %}" });
    expect(multi.path).toEqual(["note"]);
    expect(multi.line).toBe(2);
    expect(multi.message).not.toMatch(/line:\d/);
  });

  it("positions are in the text the user wrote, before macro expansion", () => {
    const plain = error({ a: "xxxxxxxxx {{ data.x | nope }}" });
    const withMacro = error({ a: "{from_nr} {{ data.x | nope }}" });
    expect(plain.column).toBe(11);
    expect(withMacro.column).toBe(11);
    expect(withMacro.message).toBe("undefined filter: nope");
  });

  it("refuses unknown filters (strict) and file access (include, render, layout)", () => {
    expect(error({ a: "{{ data.x | shell }}" }).message).toContain("undefined filter: shell");
    expect(error("{% include 'secrets.txt' %}").message).toContain('tag "include" not found');
    expect(error("{% render '/etc/passwd' %}").message).toContain('tag "render" not found');
    expect(error("{% layout 'x' %}").message).toContain('tag "layout" not found');
    expect(error("{% if x %}open").path).toEqual([]);
  });

  it("refuses templates that are too deep or too large", () => {
    let deep: Record<string, unknown> = { leaf: "{{ id }}" };
    for (let i = 0; i < 10; i++) deep = { nested: deep };
    expect(error(deep).message).toContain("deeper");
    expect(error({ big: "x".repeat(100_001) }).message).toContain("too long");
  });
});

describe("render errors", () => {
  it("a template that fails at render time throws a TemplateRenderError naming the field", () => {
    const template = compiled({ loop: "{% for i in (1..10000000) %}{{ i }}{% endfor %}" });
    if (template.kind !== "fields") throw new Error("expected fields");
    let thrown: unknown;
    try {
      renderFields(template, scope);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TemplateRenderError);
    expect((thrown as TemplateRenderError).path).toEqual(["loop"]);
    expect((thrown as Error).message).toMatch(/template field "loop" failed to render: .*limit/);
  });

  it("one compiled template renders many scopes (compile once, render per delivery)", () => {
    const template = compiled({ d: "{duration}" });
    if (template.kind !== "fields") throw new Error("expected fields");
    expect(renderFields(template, scope)).toEqual({ d: 412 });
    expect(renderFields(template, { ...scope, data: { duration: 7 } })).toEqual({ d: 7 });
  });
});
