import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * A runbook's prose, rendered as Markdown and nothing more. Runbooks come from team folders and
 * from URLs in alert annotations, so they are untrusted: raw HTML is dropped (`skipHtml`, and no
 * rehype-raw), and a link or image keeps its URL only when it is http(s), mailto or an
 * in-page anchor. `javascript:`, `data:`, `vbscript:` and the rest become no URL at all.
 * https://github.com/remarkjs/react-markdown#security
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  if (trimmed.startsWith('#')) return trimmed;
  // Browsers ignore tabs and newlines inside a scheme ("java\tscript:"), so judge the URL as they parse it.
  let parsed: URL;
  try {
    parsed = new URL(trimmed.replace(/[\t\n\r]/g, ''));
  } catch {
    // A relative URL would resolve against Daytwo's own origin: nothing a runbook should point at.
    return '';
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:' ? parsed.href : '';
}

const components: Components = {
  // Links leave the app through the window's external-link policy, never in this window.
  a: ({ href, children }) => (href ? <a href={href} target="_blank" rel="noopener noreferrer">{children}</a> : <span className="runbook-dead-link">{children}</span>),
  img: ({ src, alt }) => (typeof src === 'string' && src ? <img src={src} alt={alt ?? ''} referrerPolicy="no-referrer" /> : <span>{alt ?? ''}</span>),
};

export function RunbookMarkdown({ markdown }: { markdown: string }) {
  return (
    <div className="runbook-markdown">
      <Markdown remarkPlugins={[remarkGfm]} skipHtml urlTransform={safeUrl} components={components}>
        {markdown}
      </Markdown>
    </div>
  );
}
