// Opaque paging links for searches sent as POST [type]/_search. A client that searches by POST keeps
// patient identifiers out of URLs (and so out of proxies' and browsers' logs); the server must not put
// them back into the Bundle's self/next/previous links. Each such link becomes `[type]?_page=<token>`,
// and the token maps to the real query here, for a limited time. The access policy applies again
// when the page is read (the query runs as the reading user), so a token grants nothing by itself.
import { randomBytes } from 'node:crypto';

import type { Bundle } from '@medplum/fhirtypes';

import type { Query } from './search-params';

export const PAGE_TOKEN_PARAM = '_page';

interface StoredPage {
  readonly resourceType: string;
  readonly query: string;
  readonly expires: number;
}

export class SearchPageTokens {
  private readonly pages = new Map<string, StoredPage>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxPages = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Replaces every link of a searchset with an opaque `[type]?_page=<token>` link. */
  tokenizeLinks(bundle: Bundle, resourceType: string): void {
    for (const link of bundle.link ?? []) {
      const query = queryString(link.url);
      link.url = `${resourceType}?${PAGE_TOKEN_PARAM}=${this.issue(resourceType, query)}`;
    }
  }

  /** The query a token stands for, or undefined when it is unknown, expired or for another type. */
  resolve(token: string, resourceType: string): Query | undefined {
    const page = this.pages.get(token);
    if (!page || page.expires <= this.now() || page.resourceType !== resourceType) {
      return undefined;
    }
    const query: Query = {};
    for (const [name, value] of new URLSearchParams(page.query)) {
      const previous = query[name];
      query[name] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    return query;
  }

  private issue(resourceType: string, query: string): string {
    this.prune();
    const token = randomBytes(18).toString('base64url');
    this.pages.set(token, { resourceType, query, expires: this.now() + this.ttlMs });
    return token;
  }

  private prune(): void {
    const now = this.now();
    for (const [token, page] of this.pages) {
      // Map iteration is insertion order, so the oldest come first.
      if (page.expires > now && this.pages.size < this.maxPages) {
        break;
      }
      this.pages.delete(token);
    }
  }
}

function queryString(url: string): string {
  const index = url.indexOf('?');
  return index < 0 ? '' : url.slice(index + 1);
}
