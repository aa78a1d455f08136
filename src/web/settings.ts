/** How the web fetcher behaves. Every field but `cacheDir` has a default in DEFAULT_WEB_SETTINGS. */
export interface WebSettings {
  /** Kept copies of fetched pages and sitemaps, one set of files per address. */
  readonly cacheDir: string;
  /** Sent with every request; its first word (before "/") is the robots.txt token. */
  readonly userAgent: string;
  /** Each request (name lookup, connection, headers and body) must finish within this. */
  readonly timeoutMs: number;
  /** A response body larger than this is refused (checked on Content-Length and while reading). */
  readonly maxBytes: number;
  /** Pages taken from one listed sitemap, its nested sitemaps included. */
  readonly maxPagesPerSitemap: number;
  readonly maxRedirects: number;
  /** HTTP requests in flight at once, over the whole run (robots.txt and sitemaps included). */
  readonly concurrency: number;
  /**
   * false: loopback, private, link-local, shared, multicast and reserved addresses (and names
   * such as `localhost` or `*.internal`) are refused. true: every address is allowed. A list of
   * addresses or CIDR blocks (`['127.0.0.1', '10.1.0.0/16']`): just those are allowed as well.
   */
  readonly allowPrivateAddresses: boolean | readonly string[];
}

export const DEFAULT_WEB_SETTINGS: Omit<WebSettings, 'cacheDir'> = Object.freeze({
  userAgent: 'FootnoteBot/0.1 (+https://github.com/footnote-bot/footnote; quotes pages it is asked to index)',
  timeoutMs: 20_000,
  maxBytes: 10 * 2 ** 20,
  maxPagesPerSitemap: 500,
  maxRedirects: 5,
  concurrency: 2,
  allowPrivateAddresses: false,
});
