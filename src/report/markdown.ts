/**
 * Run notes (`mlflow.note.content`) are Markdown written by anyone who can log a run: raw HTML is shown as text,
 * images are not loaded (no request may leave the site), and only http(s) and mailto links are live.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image']);
md.validateLink = (url: string): boolean => /^(https?:|mailto:)/i.test(url.trim());
const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// A note's headings sit under the page's own h1/h2: "# Title" becomes h3.
md.core.ruler.push('demote_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 2)}`;
    }
  }
  return true;
});

/** Safe HTML for a Markdown note. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
