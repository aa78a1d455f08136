import { ancestor, descendants, type DomElement } from './dom.js';

/**
 * Where a reading starts: `content` is already the main content (Readability's pick, `<main>`,
 * `<article>`), where a `<header>` or `<aside>` belongs to the text (an article's header, a
 * callout); `page` is a whole `<body>`, where they are the site's.
 */
export type Scope = 'content' | 'page';

/** Never text: code, media, controls, navigation. */
const NEVER_TEXT = new Set(
  ('script style noscript template svg canvas iframe object embed img picture video audio map button select option ' +
    'input textarea nav dialog head title meta link').split(' '),
);
const SITE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar', 'toolbar', 'tablist']);
const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;
/** Class or id of a cookie notice, sidebar, breadcrumb trail, skip link or screen-reader-only text. */
const CHROME_MARKS = /cookie|consent|gdpr|(?:^|[\s_-])(?:sidebar|side-bar|breadcrumbs?|skip-?link|skip-to-content|sr-only|visually-hidden|screen-reader-text|toc|table-of-contents|share|social)(?:$|[\s_-])/i;
const FORM_CONTENT = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'main']);
const CONTENT = new Set(['article', 'main', 'section']);
/** A long element is content even when its class says "cookie" (a cookie policy page, say). */
const CHROME_TEXT_MAX = 2000;

/** True for an element whose text is not part of the page's content. */
export function isChrome(element: DomElement, scope: Scope): boolean {
  const tag = element.localName;
  if (NEVER_TEXT.has(tag) || tag === 'footer') return true;
  // Some sites wrap the whole page in a <form>: only a form without headings is a control.
  if (tag === 'form' && !descendants(element).some((inner) => FORM_CONTENT.has(inner.localName))) return true;
  if ((tag === 'header' || tag === 'aside') && scope === 'page' && !ancestor(element, CONTENT)) return true;
  if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  const role = element.getAttribute('role');
  if (role && SITE_ROLES.has(role.trim().toLowerCase())) return true;
  const style = element.getAttribute('style');
  if (style && HIDDEN_STYLE.test(style)) return true;
  const marks = `${element.getAttribute('id') ?? ''} ${element.getAttribute('class') ?? ''}`;
  return marks.length > 1 && CHROME_MARKS.test(marks) && (element.textContent ?? '').length < CHROME_TEXT_MAX;
}

/**
 * Takes the chrome out of the page, so Readability cannot keep it: it sometimes rewrites an
 * element without its class or id ("div.cookie-banner" → "p"), after which it cannot be told apart.
 */
export function removeChrome(root: DomElement): void {
  for (const element of descendants(root)) if (isChrome(element, 'page')) element.remove();
}
