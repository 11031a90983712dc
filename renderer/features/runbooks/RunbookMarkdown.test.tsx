import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RunbookMarkdown, safeUrl } from './RunbookMarkdown.js';

/** A runbook from a team folder or an alert's runbook_url is untrusted text. */
const hostile = `# Restart the thing

<script>window.pwned = 1</script>
<img src="x" onerror="window.pwned = 2">
<a href="javascript:window.pwned=3">raw link</a>
<iframe src="https://evil.example"></iframe>

[click me](javascript:window.pwned=4)
[shouting](JAVASCRIPT:window.pwned=5)
[tabbed](java\tscript:window.pwned=6)
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[vb](vbscript:msgbox)
[relative](../../settings)
<javascript:window.pwned=7>
![pixel](javascript:window.pwned=8)

[dashboard](https://grafana.example/d/abc) and [mail](mailto:oncall@example.com) and [below](#steps)

| step | check |
|---|---|
| 1 | ~~old~~ new |
`;

describe('a runbook rendered as Markdown', () => {
  const html = renderToStaticMarkup(createElement(RunbookMarkdown, { markdown: hostile }));

  it('never renders embedded HTML', () => {
    expect(html).not.toMatch(/<script|<iframe|onerror|<img src="x"/i);
    expect(html).not.toContain('raw link</a>');
  });

  it('neutralises javascript:, data:, vbscript: and relative links, and keeps their text', () => {
    // The autolink's text may still read "javascript:…" as plain text; no attribute carries it.
    expect(html).not.toMatch(/(href|src)="[^"]*(javascript:|data:|vbscript:|java\tscript)/i);
    expect(html).toContain('<span class="runbook-dead-link">javascript:window.pwned=7</span>');
    expect(html).not.toContain('href="../../settings"');
    expect(html).toContain('click me');
    expect(html).toContain('<span class="runbook-dead-link">shouting</span>');
    expect(html).not.toMatch(/<img[^>]*src="javascript/i);
  });

  it('keeps http(s), mailto and in-page links, opening outside the app, and renders GFM tables and strikethrough', () => {
    expect(html).toContain('<a href="https://grafana.example/d/abc" target="_blank" rel="noopener noreferrer">dashboard</a>');
    expect(html).toContain('href="mailto:oncall@example.com"');
    expect(html).toContain('href="#steps"');
    expect(html).toContain('<table>');
    expect(html).toContain('<del>old</del>');
  });

  it('judges a URL as a browser parses it', () => {
    expect(safeUrl(' javascript:alert(1)')).toBe('');
    expect(safeUrl('jav\nascript:alert(1)')).toBe('');
    expect(safeUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
  });
});
