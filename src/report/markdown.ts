/**
 * Run notes (`mlflow.note.content`) are Markdown written by anyone who can log a run: raw HTML is shown as text,
 * images are not loaded (no request may leave the site), and only http(s) and mailto links are live.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image']);
md.validateLink = (url: string): boolean => /^(https?:|mailto:)/i.test(url.trim());
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Safe HTML for a Markdown note. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
