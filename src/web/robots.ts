import robotsParserModule from 'robots-parser';

// robots-parser is CommonJS and its typings claim an ES default export; at run time the import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** What fetching an origin's robots.txt gave: an answer (any status), or no answer at all. */
export type RobotsFetch = { status: number; body: Uint8Array } | { failed: string };

/** Google reads the first 500 KiB of a robots.txt and ignores the rest; so do we. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

/**
 * robots.txt, fetched once per origin per run and applied to every address of that origin,
 * for the user agent's token (its first word, e.g. "FootnoteBot"), else the `*` group. As
 * Google does: a 4xx answer (but 429) means no rules; a 429, a 5xx or no answer means nothing
 * is fetched from that origin this run (its pages keep their copies).
 * Returns a check: undefined when `url` may be fetched, else why not.
 */
export function createRobotsCheck(userAgent: string, fetchRobots: (robotsUrl: string) => Promise<RobotsFetch>): (url: URL) => Promise<string | undefined> {
  const byOrigin = new Map<string, Promise<(url: string) => string | undefined>>();
  const token = userAgent.split('/')[0]!.trim();
  const load = async (origin: string) => {
    const robotsUrl = `${origin}/robots.txt`;
    const fetched = await fetchRobots(robotsUrl);
    if ('failed' in fetched) return () => `${robotsUrl} could not be read (${fetched.failed}), so nothing is fetched from ${origin} this time`;
    const { status } = fetched;
    if (status === 429 || status >= 500) return () => `${robotsUrl} could not be read (the server answered ${status}), so nothing is fetched from ${origin} this time`;
    if (status < 200 || status > 299) return () => undefined;
    const robots = robotsParser(robotsUrl, new TextDecoder('utf-8').decode(fetched.body));
    return (url: string) => (robots.isAllowed(url, token) === false ? `${robotsUrl} does not allow ${token} to fetch it` : undefined);
  };
  return async (url) => {
    let check = byOrigin.get(url.origin);
    if (!check) {
      check = load(url.origin);
      byOrigin.set(url.origin, check);
    }
    return (await check)(url.href);
  };
}
